//! The Tauri shell over the machine: the real builder and context on the mock runtime, the
//! page's commands through Tauri's IPC and its permission checks, views over the channel.
//! What the machine does is tested in the core (`core/tests/integration/machine`), on a paused clock.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use demo_platform::Decision;
use passerelle::app::command_names::COMMANDS;
use passerelle::core::machine::view::Action;
use passerelle::core::settings::RawSettings;
use serde_json::{json, Value};
use strum::IntoEnumIterator;

/// A whole sign-in as the page does it: commands in, views out over the channel, and not
/// one secret among them.
#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_through_the_ipc_and_the_channel() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    let signed_out = h.pushed_state("signed_out").await;
    assert_eq!(signed_out["actions"], json!(["start_sign_in"]));
    h.call("start_sign_in").unwrap();
    let code = h.pushed_state("code_shown").await;
    let user_code = code["user_code"].as_str().unwrap().to_owned();
    assert_eq!(code["escape"], "cancel_sign_in");
    h.call("open_verification_page").unwrap();
    assert_eq!(h.desktop.opened.lock().unwrap().len(), 1);
    assert!(platform.decide(&user_code, Decision::Approved));
    let profile = h.pushed_state("signed_in").await;
    assert_eq!(profile["profile"]["display_name"], "Camille Martin");
    let everything = h.pushed.lock().unwrap().join("\n");
    for secret in platform.issued_secrets() {
        assert!(!everything.contains(&secret), "a secret reached the page");
    }
    h.call("sign_out").unwrap();
    assert_eq!(h.pushed_state("signed_out").await["notice"], "signed_out");
}

/// A command's error reaches the page as `{message, setting, reason, detail}`.
#[tokio::test(flavor = "multi_thread")]
async fn errors_reach_the_page_in_one_shape() {
    let h = harness(RawSettings::default());
    let e = h
        .invoke(
            "save_setup",
            json!({"authUrl": "http://platform.example", "clientId": ""}),
        )
        .unwrap_err();
    assert_eq!(
        e,
        json!({"message": "invalid_setting", "setting": "auth_url", "reason": "needs_https",
               "detail": "`auth_url` must use https (plain http only between this computer's own addresses)"})
    );
    assert_eq!(h.call("start_sign_in").unwrap_err()["message"], "not_now");
}

/// The commands the page sends: `data-command` buttons in `ui/index.html`, and `call("…")`
/// in `ui/app.js`.
fn commands_in_the_page() -> BTreeSet<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |path: &str| std::fs::read_to_string(format!("{root}/{path}")).unwrap();
    let quoted_after = |text: &str, marker: &str| -> Vec<String> {
        text.match_indices(marker)
            .map(|(at, _)| {
                let rest = &text[at + marker.len()..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .collect()
    };
    let mut commands: BTreeSet<String> = quoted_after(&read("ui/index.html"), "data-command=\"")
        .into_iter()
        .collect();
    commands.extend(quoted_after(&read("ui/app.js"), "call(\""));
    commands
}

/// The window may call exactly the commands the page sends, and no plugin; every action a
/// view offers is one of them.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_is_granted_exactly_what_it_calls() {
    let granted: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        commands_in_the_page(),
        granted,
        "the page sends these; the window is granted those"
    );
    for action in Action::iter() {
        let name = serde_json::to_value(action).unwrap();
        assert!(granted.contains(name.as_str().unwrap()), "{name}");
    }
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/capabilities/main-window.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let permitted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_str()
                .unwrap()
                .trim_start_matches("allow-")
                .replace('-', "_")
        })
        .collect();
    assert_eq!(permitted, granted);

    let h = harness(RawSettings::default());
    for refused in [
        "plugin:opener|open_url",
        "plugin:clipboard-manager|read_text",
        "plugin:dialog|message",
        "new_code",
    ] {
        assert!(h.call(refused).is_err(), "{refused} is refused");
    }
    // From another origin than the app's own pages, nothing is granted.
    let e = h.invoke_from("https://evil.example", "open_about", Value::Null);
    assert!(e.is_err(), "{e:?}");
}

/// `passerelle --show-settings`, as an administrator runs it: every setting on a line, its
/// value, where it comes from and whether it is locked. On Windows the school's policies are
/// written in the registry (and removed after); elsewhere in the school's file.
#[test]
fn the_settings_in_force_say_where_they_come_from() {
    let home = tempfile::tempdir().unwrap();
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_passerelle"));
    run.args(["--show-settings", "--scope", "read write"])
        .env("PASSERELLE_CONFIG", home.path().join("config.toml"))
        .env_remove("PASSERELLE_TOKEN_STORE");
    #[cfg(windows)]
    let written = {
        use passerelle::core::settings::policy::registry::{KEY, RECOMMENDED};
        use windows_registry::{CURRENT_USER, LOCAL_MACHINE};
        let machine = LOCAL_MACHINE.create(KEY).unwrap();
        machine
            .set_string("auth_url", "https://moncampus.fr")
            .unwrap();
        machine.set_u32("remember_session", 0).unwrap();
        let user = CURRENT_USER.create(KEY).unwrap();
        user.set_string("auth_url", "https://elsewhere.example")
            .unwrap();
        user.set_string("sign_out_when_idle", "15m").unwrap();
        CURRENT_USER
            .create(RECOMMENDED)
            .unwrap()
            .set_string("token_store", "memory")
            .unwrap();
        [(&LOCAL_MACHINE, KEY), (&CURRENT_USER, KEY)]
    };
    #[cfg(not(windows))]
    {
        let school = home.path().join("school.toml");
        std::fs::write(
            &school,
            "auth_url = \"https://moncampus.fr\"\nremember_session = false\n\
             sign_out_when_idle = \"15m\"\ntoken_store = \"memory\"\n\
             locked = [\"auth_url\", \"remember_session\", \"sign_out_when_idle\"]\n",
        )
        .unwrap();
        run.env("PASSERELLE_MANAGED_CONFIG", school);
    }
    let output = run.output().unwrap();
    #[cfg(windows)]
    for (hive, key) in written {
        hive.remove_tree(key).unwrap();
    }
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{text}");
    let line = |name: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (machine, user) = if cfg!(windows) {
        ("machine policy", "user policy")
    } else {
        ("school file", "school file")
    };
    let defaulted = if cfg!(windows) {
        "recommended"
    } else {
        "school file"
    };
    assert_eq!(
        line("auth_url"),
        ["auth_url", "https://moncampus.fr", machine, "locked"]
    );
    assert_eq!(
        line("remember_session"),
        ["remember_session", "false", machine, "locked"]
    );
    assert_eq!(
        line("sign_out_when_idle"),
        ["sign_out_when_idle", "15m", user, "locked"]
    );
    assert_eq!(line("token_store"), ["token_store", "memory", defaulted]);
    assert_eq!(
        line("scope"),
        ["scope", "(not set)", "default", "locked"],
        "locked with the platform: the flag does not count"
    );
}

/// A release downloaded with `auto` is installed when the learner quits — the window
/// closed: `ExitRequested`, then `Exit` — and not when `Exit` comes alone, as Windows' end
/// of session brings it (tao turns `WM_ENDSESSION` into the app's last event): an installer
/// cut short by a log-off would leave a broken copy.
#[tokio::test(flavor = "multi_thread")]
async fn a_downloaded_update_installs_when_the_learner_quits_not_when_the_session_ends() {
    use passerelle::app::exit::on_run_event;
    use passerelle::core::machine::testing::{appimage, RecordingInstaller, Signer};
    use passerelle::core::machine::view::UpdateView;
    use passerelle::core::settings::Key;

    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let artifact = appimage(64 * 1024);
    let url = platform.host_artifact("p.AppImage", artifact.clone(), Duration::ZERO);
    let release = json!({"version": "9.0.0", "platforms": {"linux-x86_64-appimage": {
        "url": url, "signature": signer.sign(&artifact, "9.0.0")}}});
    platform.publish(&release.to_string());
    let installer = Arc::new(RecordingInstaller::default());
    let h = harness_with(
        raw_settings(&platform).with(Key::Updates, "auto"),
        RawSettings::default()
            .with(Key::UpdateUrl, platform.feed_url())
            .with(Key::UpdatePubkey, signer.pubkey()),
        Some(installer.clone()),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !matches!(h.machine().view().update, Some(UpdateView::Ready { .. })) {
        assert!(Instant::now() < deadline, "never downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    on_run_event(h.app.handle(), &tauri::RunEvent::Exit);
    assert!(
        installer.installed.lock().unwrap().is_empty(),
        "the session ended"
    );

    // The learner closes the window, once the app's loop runs.
    let window = h.window.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        window.close().unwrap();
    });
    let app = h.app;
    tokio::task::spawn_blocking(move || app.run_return(|app, event| on_run_event(app, &event)))
        .await
        .unwrap();
    let installed = installer.installed.lock().unwrap().clone();
    assert_eq!(installed, vec![("9.0.0".to_owned(), artifact.len())]);
}

/// A PAC file runs in a process of the app's own program, asked with its request: killed
/// past its time, its memory bounded, whatever the script does; the app only reads the
/// answer.
#[cfg(target_os = "linux")]
#[test]
fn a_pac_file_runs_apart_within_bounds() {
    use passerelle::core::http::proxy::apart::evaluate_apart;
    let program = std::path::Path::new(env!("CARGO_BIN_EXE_passerelle"));
    let url = url::Url::parse("https://platform.example/secret?x=1").unwrap();
    let evaluate = |script: &str| evaluate_apart(program, script, &url);
    assert_eq!(
        evaluate("function FindProxyForURL(u, h) { return 'PROXY ' + h + ':3128; ' + u; }")
            .unwrap(),
        "PROXY platform.example:3128; https://platform.example/"
    );
    for (greedy, what) in [
        ("function FindProxyForURL(u, h) { for (;;) {} }", "forever"),
        (
            "function FindProxyForURL(u, h) { var a = []; for (;;) a.push(new Float64Array(1 << 20).fill(1)); }",
            "all the memory",
        ),
    ] {
        let started = std::time::Instant::now();
        assert!(evaluate(greedy).is_err(), "{what}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(8),
            "{what}: stopped in time"
        );
    }
}
