//! A PAC file evaluated in a process of its own — the app's program, asked with
//! [`REQUEST`] set — which is killed past a wall-clock limit or a memory limit: what no
//! limit of the engine's own can promise for a script a network hands out (WPAD answers
//! anyone on the school's network). Its answer, or why not, comes back as JSON. (The memory
//! is watched from outside: JavaScriptCore reserves far more address space than it uses,
//! so a limit the system sets on the process would stop it before it starts.)

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

use super::pac::evaluate;
use super::PAC_BYTES;

/// The variable that makes the app's program evaluate one PAC file and quit.
pub const REQUEST: &str = "PASSERELLE_PAC_REQUEST";
/// Longest the process may take, from its start to its answer.
const WALL: Duration = Duration::from_secs(4);
/// Most memory (resident) and processor time the process may use.
const MEMORY: u64 = 256 << 20;
const PROCESSOR_SECONDS: u64 = 4;
/// Longest answer read.
const ANSWER_BYTES: u64 = 16 << 10;

#[derive(Serialize, Deserialize)]
struct Request {
    script: String,
    url: String,
}

#[derive(Serialize, Deserialize)]
enum Answer {
    Route(String),
    Failed(String),
}

/// What `script` answers for `url`, asked of `program` in a process of its own.
pub fn evaluate_apart(program: &Path, script: &str, url: &Url) -> Result<String, String> {
    let request = serde_json::to_vec(&Request {
        script: script.to_owned(),
        url: url.to_string(),
    })
    .map_err(|e| e.to_string())?;
    let mut child = Command::new(program)
        .env_clear()
        .env(REQUEST, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the PAC file's process does not start: {e}"))?;
    // Written whole before its answer is read: the request is bounded, the pipe takes it.
    let mut input = child
        .stdin
        .take()
        .ok_or("no way to the PAC file's process")?;
    let written = std::thread::spawn(move || input.write_all(&request));
    let started = Instant::now();
    loop {
        let why = match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if resident(child.id()) > MEMORY => "the PAC file took too much memory",
            Ok(None) if started.elapsed() < WALL => {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
            _ => "the PAC file ran too long",
        };
        let _ = child.kill();
        let _ = child.wait();
        return Err(why.into());
    }
    let _ = written.join();
    let mut answer = Vec::new();
    if let Some(output) = child.stdout.take() {
        let _ = output.take(ANSWER_BYTES).read_to_end(&mut answer);
    }
    match serde_json::from_slice(&answer) {
        Ok(Answer::Route(route)) => Ok(route),
        Ok(Answer::Failed(why)) => Err(why),
        Err(_) => Err("the PAC file's process ended without an answer".into()),
    }
}

/// The memory the process `pid` holds, in bytes.
fn resident(pid: u32) -> u64 {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    pages.saturating_mul(page)
}

/// In the process [`evaluate_apart`] starts: bounds its processor time, evaluates the
/// request read on its input, writes the answer, and quits.
pub fn serve_request() -> ! {
    let limit = libc::rlimit {
        rlim_cur: PROCESSOR_SECONDS,
        rlim_max: PROCESSOR_SECONDS,
    };
    // SAFETY: a valid rlimit; it only lowers this process's own limit.
    unsafe { libc::setrlimit(libc::RLIMIT_CPU, &limit) };
    let mut request = Vec::new();
    let read = std::io::stdin()
        .take(PAC_BYTES as u64 + 4096)
        .read_to_end(&mut request);
    let answer = match read.map(|_| serde_json::from_slice::<Request>(&request)) {
        Ok(Ok(request)) => {
            match Url::parse(&request.url).map(|url| evaluate(&request.script, &url)) {
                Ok(Ok(route)) => Answer::Route(route),
                Ok(Err(why)) => Answer::Failed(why),
                Err(_) => Answer::Failed("an unreadable address".into()),
            }
        }
        _ => Answer::Failed("an unreadable request".into()),
    };
    let _ = std::io::stdout().write_all(&serde_json::to_vec(&answer).unwrap_or_default());
    std::process::exit(0)
}
