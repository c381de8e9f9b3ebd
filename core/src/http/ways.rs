//! The way to each address, found as the settings say — the environment's proxies, the
//! desktop's, or the system's resolver — with a PAC file fetched once (directly, as
//! browsers fetch it) and evaluated for each address. A PAC file that cannot be fetched or
//! evaluated means directly, and the log says so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

use super::limits::Timeouts;
use super::proxy::{Desktop, EnvProxies, Proxies, Route};
use crate::sync::LockAnyway;

/// How long a PAC file that could not be fetched is not asked again.
const RETRY_PAC: Duration = Duration::from_secs(300);
/// How long the way found for an origin by automatic configuration is kept: the system's
/// (WPAD's detection above all) can take seconds where the network has none, a PAC file is
/// evaluated in a process of its own, and a sign-in asks the platform every few seconds.
const KEEP_ANSWER: Duration = Duration::from_secs(300);

/// The way to each address, as found when the first request was made.
pub enum Ways {
    Direct,
    Env(EnvProxies),
    Desktop {
        desktop: Box<Desktop>,
        pac: tokio::sync::Mutex<Option<Fetched>>,
        timeouts: Timeouts,
        /// Where a PAC file is evaluated: this program, in a process of its own (the app);
        /// none, in this process (the tests).
        pac_program: Option<PathBuf>,
        answers: Answers,
    },
    /// The system's own resolver (WinHTTP, CFNetwork), and its answers.
    #[cfg_attr(not(any(windows, target_os = "macos")), allow(dead_code))]
    System(Answers),
}

/// The ways automatic configuration found, by origin, for [`KEEP_ANSWER`].
#[derive(Default)]
pub struct Answers(std::sync::Mutex<HashMap<String, (Instant, Route)>>);

impl Answers {
    /// The way to `url`'s origin, kept, or found by `find` and kept.
    async fn kept_or(&self, url: &Url, find: impl std::future::Future<Output = Route>) -> Route {
        let origin = url.origin().ascii_serialization();
        let kept = self.0.lock_anyway().get(&origin).cloned();
        match kept {
            Some((at, route)) if at.elapsed() < KEEP_ANSWER => route,
            _ => {
                let route = find.await;
                let found = (Instant::now(), route.clone());
                self.0.lock_anyway().insert(origin, found);
                route
            }
        }
    }
}

/// A PAC file as fetched: its text, or why not, and when.
pub struct Fetched {
    at: Instant,
    script: Result<Arc<str>, String>,
}

impl Ways {
    pub fn new(proxies: &Proxies, timeouts: Timeouts, pac_program: Option<PathBuf>) -> Self {
        let desktop = |desktop| Ways::Desktop {
            desktop: Box::new(desktop),
            pac: tokio::sync::Mutex::new(None),
            timeouts,
            pac_program: pac_program.clone(),
            answers: Answers::default(),
        };
        match proxies {
            Proxies::Direct => Ways::Direct,
            Proxies::Env(env) => Ways::Env(env.clone()),
            Proxies::Desktop(given) => desktop(given.clone()),
            Proxies::System(env) => {
                let proxies = EnvProxies::from_env(|name| env.get(name).cloned());
                if !proxies.is_empty() {
                    return Ways::Env(proxies);
                }
                #[cfg(target_os = "linux")]
                return desktop(super::proxy::on_linux::desktop(&|name| {
                    env.get(name).cloned()
                }));
                #[cfg(any(windows, target_os = "macos"))]
                return Ways::System(Default::default());
                #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
                return Ways::Direct;
            }
        }
    }

    /// The way to `url`.
    pub async fn route(&self, url: &Url) -> Route {
        match self {
            Ways::Direct => Route::Direct,
            Ways::Env(env) => env.route(url),
            Ways::Desktop {
                desktop,
                pac,
                timeouts,
                pac_program,
                answers,
            } => match desktop.as_ref() {
                Desktop::None => Route::Direct,
                Desktop::Manual(manual) => manual.route(url),
                Desktop::Pac { exceptions, .. } if exceptions.cover(url) => Route::Direct,
                Desktop::Pac { url: pac_url, .. } => {
                    let pac_url = pac_url
                        .clone()
                        .unwrap_or_else(|| Url::parse(super::proxy::WPAD).expect("an address"));
                    let found = by_pac(pac, &pac_url, url, *timeouts, pac_program.as_deref());
                    answers.kept_or(url, found).await
                }
            },
            Ways::System(answers) => answers.kept_or(url, system_route(url)).await,
        }
    }
}

#[cfg(any(windows, target_os = "macos"))]
async fn system_route(url: &Url) -> Route {
    let target = url.clone();
    #[cfg(windows)]
    let found = tokio::task::spawn_blocking(move || super::proxy::on_windows::route(&target)).await;
    #[cfg(target_os = "macos")]
    let found = tokio::task::spawn_blocking(move || super::proxy::on_macos::route(&target)).await;
    match found {
        Ok((route, None)) => route,
        Ok((route, Some(why))) => {
            tracing::warn!(%why, "the automatic proxy configuration did not answer");
            route
        }
        Err(_) => Route::Direct,
    }
}

#[cfg(not(any(windows, target_os = "macos")))]
async fn system_route(_: &Url) -> Route {
    Route::Direct
}

/// The way the PAC file at `pac_url` gives for `url`; directly when it cannot.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
async fn by_pac(
    cache: &tokio::sync::Mutex<Option<Fetched>>,
    pac_url: &Url,
    url: &Url,
    timeouts: Timeouts,
    program: Option<&Path>,
) -> Route {
    let origin = crate::settings::origin_of(pac_url);
    let script = {
        let mut cache = cache.lock().await;
        let stale = match cache.as_ref() {
            None => true,
            Some(f) => f.script.is_err() && f.at.elapsed() > RETRY_PAC,
        };
        if stale {
            let script = fetch(pac_url, timeouts).await.map(Arc::from);
            if let Err(why) = &script {
                tracing::warn!(pac = %origin, %why, "the PAC file cannot be fetched; going directly");
            }
            *cache = Some(Fetched {
                at: Instant::now(),
                script,
            });
        }
        match cache.as_ref().map(|f| &f.script) {
            Some(Ok(script)) => script.clone(),
            _ => return Route::Direct,
        }
    };
    #[cfg(target_os = "linux")]
    {
        let (target, program) = (url.clone(), program.map(Path::to_path_buf));
        let answer = tokio::task::spawn_blocking(move || match program {
            Some(program) => super::proxy::apart::evaluate_apart(&program, &script, &target),
            None => super::proxy::pac::evaluate(&script, &target),
        })
        .await;
        match answer {
            Ok(Ok(answer)) => super::proxy::route_of_pac_answer(&answer),
            Ok(Err(why)) => {
                tracing::warn!(pac = %origin, %why, "the PAC file cannot be evaluated; going directly");
                Route::Direct
            }
            Err(_) => Route::Direct,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = script;
        Route::Direct
    }
}

/// The PAC file's text, fetched directly, within a size and the timeouts.
async fn fetch(pac_url: &Url, timeouts: Timeouts) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|e| e.to_string())?;
    let mut response = client
        .get(pac_url.clone())
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status().as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| e.without_url().to_string())?
    {
        if body.len() + chunk.len() > super::proxy::PAC_BYTES {
            return Err("larger than any PAC file".into());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "not text".into())
}
