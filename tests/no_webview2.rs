//! Windows without the Microsoft Edge WebView2 Runtime, as Wine is: the real program, started
//! as a learner starts it, tells them in words and in their language what is missing and
//! where to get it — read from outside, as a screen reader would, from the message's own
//! window — and a second launch meanwhile hands over to the first (one instance). Windows
//! only: `scripts/windows-test` runs it under Wine.
#![cfg(windows)]

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{HWND, LPARAM};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    EnumChildWindows, EnumWindows, GetClassNameW, GetDlgCtrlID, GetWindowTextW,
    GetWindowThreadProcessId, IsWindowVisible, PostMessageW, IDNO, WM_COMMAND,
};

/// The program, with settings of its own so that the learner's are not touched.
fn start(scratch: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .env("PASSERELLE_CONFIG", scratch.join("config.toml"))
        .spawn()
        .expect("passerelle.exe starts")
}

fn text_of(window: HWND) -> String {
    let mut buffer = [0u16; 2048];
    // SAFETY: the buffer's length is passed.
    let len = unsafe { GetWindowTextW(window, buffer.as_mut_ptr(), buffer.len() as i32) };
    String::from_utf16_lossy(&buffer[..len.max(0) as usize])
}

fn class_of(window: HWND) -> String {
    let mut buffer = [0u16; 256];
    // SAFETY: the buffer's length is passed.
    let len = unsafe { GetClassNameW(window, buffer.as_mut_ptr(), buffer.len() as i32) };
    String::from_utf16_lossy(&buffer[..len.max(0) as usize])
}

/// The visible message boxes (`#32770`) of process `pid`.
fn message_boxes(pid: u32) -> Vec<HWND> {
    unsafe extern "system" fn each(window: HWND, found: LPARAM) -> i32 {
        let found = unsafe { &mut *(found as *mut (u32, Vec<HWND>)) };
        let mut owner = 0;
        unsafe { GetWindowThreadProcessId(window, &mut owner) };
        if owner == found.0
            && unsafe { IsWindowVisible(window) } != 0
            && class_of(window) == "#32770"
        {
            found.1.push(window);
        }
        1
    }
    let mut found = (pid, Vec::new());
    // SAFETY: `found` outlives the enumeration.
    unsafe { EnumWindows(Some(each), &mut found as *mut _ as LPARAM) };
    found.1
}

/// The message's text: the static control with id 0xFFFF, as in every message box.
fn message_of(dialog: HWND) -> String {
    unsafe extern "system" fn each(child: HWND, text: LPARAM) -> i32 {
        let text = unsafe { &mut *(text as *mut String) };
        if unsafe { GetDlgCtrlID(child) } == 0xFFFF {
            *text = text_of(child);
        }
        1
    }
    let mut text = String::new();
    // SAFETY: `text` outlives the enumeration.
    unsafe { EnumChildWindows(dialog, Some(each), &mut text as *mut _ as LPARAM) };
    text
}

fn wait_for_message(child: &Child) -> HWND {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(dialog) = message_boxes(child.id()).first() {
            return *dialog;
        }
        assert!(Instant::now() < deadline, "no message was shown");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn exit_code(mut child: Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "the program did not end");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// In the system's language: Wine gives a program the language of the Unix environment it
/// was started in, so `scripts/windows-test` runs this once in English and once in French.
#[test]
fn without_webview2_the_learner_is_told_what_is_missing_and_where_to_get_it() {
    let scratch = tempfile::tempdir().unwrap();
    let locale = sys_locale::get_locale().unwrap_or_default();
    let words = if locale.to_ascii_lowercase().starts_with("fr") {
        "Passerelle a besoin du « Microsoft Edge WebView2 Runtime »"
    } else {
        "Passerelle needs the Microsoft Edge WebView2 Runtime"
    };
    let first = start(scratch.path());
    let dialog = wait_for_message(&first);
    assert_eq!(text_of(dialog), "Passerelle");
    let message = message_of(dialog);
    assert!(message.starts_with(words), "{locale}: {message}");
    assert!(
        message.contains(passerelle::app::webview2::DOWNLOAD),
        "{message}"
    );

    // Launched again meanwhile: the second hands over to the first, and ends at once.
    let second = start(scratch.path());
    assert_eq!(exit_code(second), 0, "the second launch hands over");
    assert_eq!(message_boxes(first.id()).len(), 1, "one message, not two");

    // "No": the app ends, saying it could not start.
    // SAFETY: a window of another process; posting a command to it is harmless.
    unsafe { PostMessageW(dialog, WM_COMMAND, IDNO as usize, 0) };
    assert_eq!(exit_code(first), 1);
}
