//! The app's commands, through Tauri's IPC on the mock runtime, against the demo platform.

mod common;

use std::time::Duration;

use common::*;
use demo_platform::{Decision, DemoOptions, Hostile, DEMO_CLIENT_ID};
use passerelle::app::command_names::COMMANDS;
use passerelle::app::view::View;
use passerelle::app::words::Kind;
use passerelle::core::settings::{Key, Layer, RawSettings};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_open_copy_and_sign_out() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    assert_eq!(h.signed_out().await, None);

    h.call("start_sign_in").unwrap();
    // A second start while one runs does not start a second poller.
    h.call("start_sign_in").unwrap();
    let code = h.wait_for_code().await;

    h.call("copy_user_code").unwrap();
    h.call("open_verification_page").unwrap();
    assert_eq!(
        *h.desktop.copied.lock().unwrap(),
        vec![code.clone(), code.clone()]
    );
    assert_eq!(
        *h.desktop.opened.lock().unwrap(),
        vec![format!(
            "{}/oauth/device?user_code={code}",
            platform.auth_url()
        )]
    );

    assert!(platform.decide(&code, Decision::Approved));
    let View::SignedIn { profile, .. } = h.signed_in().await else {
        unreachable!()
    };
    assert_eq!(profile.display_name, "Camille Martin");
    assert_eq!(profile.initials, "CM");

    // One code only was asked for, despite the double start.
    let codes: std::collections::HashSet<String> = h
        .pushed
        .lock()
        .unwrap()
        .iter()
        .filter_map(|json| serde_json::from_str::<Value>(json).ok())
        .filter_map(|v| v["user_code"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(codes.len(), 1);

    h.call("sign_out").unwrap();
    assert_eq!(h.signed_out().await, Some(Kind::SignedOut));
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_secret_reaches_the_window() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    let everything = h.pushed.lock().unwrap().join("\n");
    let secrets = platform.issued_secrets();
    assert_eq!(
        secrets.len(),
        3,
        "a device code, an access token and a refresh token"
    );
    for secret in secrets {
        assert!(
            !everything.contains(&secret),
            "a secret was pushed to the window"
        );
    }
    assert!(!everything.contains("access_token") && !everything.contains("device_code"));
}

/// The window repaints only when what it shows changes: a pending poll sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn polls_that_change_nothing_send_nothing() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.call("start_sign_in").unwrap();
    h.wait_for_code().await;
    let sent = h.pushed.lock().unwrap().len();
    // Three polls at the demo's one-second interval, each answered authorization_pending.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let pushed = h.pushed.lock().unwrap().clone();
    assert_eq!(pushed.len(), sent, "sent again: {:?}", &pushed[sent..]);
    assert!(pushed.windows(2).all(|w| w[0] != w[1]), "{pushed:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_then_a_new_code() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.call("start_sign_in").unwrap();
    let first = h.wait_for_code().await;
    h.call("cancel_sign_in").unwrap();
    assert_eq!(h.view(), View::SignedOut { notice: None });
    let e = h.call("open_verification_page").unwrap_err();
    assert_eq!(e["kind"], "no_sign_in");
    // The cancelled poller never comes back to change the view.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(h.view(), View::SignedOut { notice: None });
    h.call("start_sign_in").unwrap();
    assert_ne!(h.wait_for_code().await, first);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_become_views_with_a_kind() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Denied).await;
    assert_eq!(h.wait_for_error().await, Kind::Denied);
    h.call("cancel_sign_in").unwrap();
    assert_eq!(h.view(), View::SignedOut { notice: None });

    let h = harness(
        RawSettings::default()
            .with(Key::AuthUrl, nothing_on())
            .with(Key::ClientId, "x"),
    );
    h.signed_out().await;
    h.call("start_sign_in").unwrap();
    assert_eq!(h.wait_for_error().await, Kind::Unreachable);
}

/// Only the platform's own pages are opened or encoded; the code is shown as issued.
#[tokio::test(flavor = "multi_thread")]
async fn a_verification_page_elsewhere_is_shown_as_text_only() {
    let platform = platform(DemoOptions {
        hostile: Hostile {
            verification_uri_complete: Some("https://phish.example/device".into()),
            ..Hostile::default()
        },
        ..fast_options()
    })
    .await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.call("start_sign_in").unwrap();
    let View::CodeShown(shown) = h
        .wait_for("a code", |v| matches!(v, View::CodeShown(_)))
        .await
    else {
        unreachable!()
    };
    assert!(!shown.trusted);
    assert_eq!(shown.qr_code, "", "no QR code of a page elsewhere");
    assert_eq!(shown.user_code.len(), 8);
    assert!(!shown.user_code.contains('-'), "shown exactly as issued");
    let e = h.call("open_verification_page").unwrap_err();
    assert_eq!(e["kind"], "unsafe_url");
    assert!(h.desktop.opened.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn first_start_asks_only_for_the_address() {
    let platform = platform(fast_options()).await;
    let h = harness(RawSettings::default());
    let View::Setup(setup) = h.view() else {
        panic!("{:?}", h.view())
    };
    assert!(setup.first_run && setup.locked.is_empty() && !setup.managed);
    assert_eq!(h.call("start_sign_in").unwrap_err()["kind"], "not_now");
    let save =
        |url: &str, id: &str| h.invoke("save_setup", json!({"authUrl": url, "clientId": id}));
    let e = save("http://platform.example", "").unwrap_err();
    assert_eq!(
        e,
        json!({"kind": "invalid_setting", "setting": "auth_url", "reason": "needs_https",
               "message": "`auth_url` must use https (plain http only between this computer's own addresses)"})
    );
    assert_eq!(
        save("mon campus.fr", "").unwrap_err()["reason"],
        "not_an_address"
    );
    // Nobody supplies a client id: it is asked for.
    let e = save("MonCampus.example/", "").unwrap_err();
    assert_eq!(e["kind"], "client_id_needed");
    assert_eq!(e["setting"], "client_id");
    assert_eq!(
        save("moncampus.example", "a\u{7}").unwrap_err()["setting"],
        "client_id"
    );
    save(platform.auth_url(), DEMO_CLIENT_ID).unwrap();
    assert_eq!(h.signed_out().await, None);
    let saved = std::fs::read_to_string(h.config_file()).unwrap();
    assert_eq!(
        saved,
        format!(
            "auth_url = \"{}/\"\nclient_id = \"passerelle-demo\"\n",
            platform.auth_url()
        )
    );
    // Saving is for the setup form only: not behind the learner's back.
    assert_eq!(
        save("https://evil.example", "x").unwrap_err()["kind"],
        "not_now"
    );
}

/// A copy built for a platform opens on Sign in: no setup, no client id.
#[tokio::test(flavor = "multi_thread")]
async fn a_build_that_knows_its_platform_opens_on_sign_in() {
    let platform = platform(fast_options()).await;
    let h = start(Setup {
        build: raw_settings(&platform),
        ..Setup::new(RawSettings::default())
    });
    assert_eq!(h.signed_out().await, None);
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_school_locks_the_platform() {
    let platform = platform(fast_options()).await;
    let other = platform_two().await;
    let h = start(Setup {
        managed: Some(format!(
            "auth_url = \"{}\"\nclient_id = \"{DEMO_CLIENT_ID}\"\nlocked = [\"auth_url\", \"client_id\"]\n",
            platform.auth_url()
        )),
        // The learner's file, the environment and flags all try another platform.
        file: Some(format!("auth_url = \"{}\"\n", other.auth_url())),
        ..Setup::new(RawSettings::default().with(Key::ClientId, "mine"))
    });
    assert_eq!(h.signed_out().await, None);
    h.call("open_settings").unwrap();
    let View::Setup(setup) = h.view() else {
        panic!("{:?}", h.view())
    };
    // The platform locked, with everything that belongs to it; where sessions are kept is
    // still the learner's.
    for key in [Key::AuthUrl, Key::ClientId, Key::ApiUrl, Key::TokenEndpoint] {
        assert!(setup.locked.contains(&key), "{key:?}");
    }
    assert!(!setup.locked.contains(&Key::TokenStore));
    assert!(setup.managed && !setup.first_run);
    assert_eq!(setup.auth_url, platform.auth_url());
    let from = |key| setup.in_use.iter().find(|i| i.key == key).map(|i| i.from);
    assert_eq!(from(Key::AuthUrl), Some(Layer::Locked));
    assert_eq!(from(Key::ClientId), Some(Layer::Locked));
    let e = h
        .invoke(
            "save_setup",
            json!({"authUrl": other.auth_url(), "clientId": ""}),
        )
        .unwrap_err();
    assert_eq!(
        (e["kind"].as_str(), e["setting"].as_str()),
        (Some("locked"), Some("auth_url"))
    );
    let e = h
        .invoke(
            "save_setup",
            json!({"authUrl": platform.auth_url(), "clientId": "mine"}),
        )
        .unwrap_err();
    assert_eq!(e["setting"], "client_id");
    h.call("close_overlay").unwrap();
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
}

async fn platform_two() -> demo_platform::DemoPlatform {
    platform(DemoOptions {
        user: demo_platform::DemoUser {
            firstname: "Ines".into(),
            lastname: "Other".into(),
            ..Default::default()
        },
        ..fast_options()
    })
    .await
}

/// Another platform in Settings: the old one's session ends, its settings are dropped, and
/// the new platform's tokens go to the new platform's API only.
#[tokio::test(flavor = "multi_thread")]
async fn changing_platform_leaves_nothing_of_the_old_one() {
    let old = platform(DemoOptions {
        separate_api: true,
        ..fast_options()
    })
    .await;
    let new = platform_two().await;
    let h = start(Setup {
        file: Some(raw_settings(&old).to_toml()),
        ..Setup::new(RawSettings::default())
    });
    h.signed_out().await;
    h.sign_in_and_decide(&old, Decision::Approved).await;
    h.signed_in().await;
    let access = old.issued_secrets()[1].clone();
    assert!(old.access_token_is_valid(&access));

    h.call("open_settings").unwrap();
    h.call("close_overlay").unwrap();
    assert!(matches!(h.view(), View::SignedIn { .. }));
    h.call("open_settings").unwrap();
    h.invoke(
        "save_setup",
        json!({"authUrl": new.auth_url(), "clientId": DEMO_CLIENT_ID}),
    )
    .unwrap();
    assert_eq!(h.signed_out().await, None);
    assert!(
        !old.access_token_is_valid(&access),
        "the old session is revoked"
    );
    let saved = std::fs::read_to_string(h.config_file()).unwrap();
    assert!(
        !saved.contains("api_url"),
        "the old platform's API is forgotten: {saved}"
    );

    h.sign_in_and_decide(&new, Decision::Approved).await;
    let View::SignedIn {
        profile, platform, ..
    } = h.signed_in().await
    else {
        unreachable!()
    };
    assert_eq!(
        profile.display_name, "Ines Other",
        "the new platform's own profile"
    );
    assert!(new.auth_url().ends_with(&platform));
}

#[tokio::test(flavor = "multi_thread")]
async fn support_details_and_about_hold_no_secret() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    h.call("sign_out").unwrap();
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Denied).await;
    assert_eq!(h.wait_for_error().await, Kind::Denied);
    h.call("copy_support_details").unwrap();
    let details = h.desktop.copied.lock().unwrap().last().cloned().unwrap();
    for expected in [
        concat!("Passerelle ", env!("CARGO_PKG_VERSION")),
        "Error: denied",
        platform.auth_url(),
        &format!("OS: {}", std::env::consts::OS),
        "Time: 20",
    ] {
        assert!(
            details.contains(expected),
            "{expected:?} missing from {details}"
        );
    }
    let secrets = platform.issued_secrets();
    assert_eq!(secrets.len(), 4, "two device codes and a pair of tokens");
    for secret in secrets {
        assert!(!details.contains(&secret));
    }
    h.call("open_about").unwrap();
    assert!(matches!(
        h.view(),
        View::About { version, license: "MIT", .. } if version == env!("CARGO_PKG_VERSION")
    ));
    h.call("close_overlay").unwrap();
    assert!(matches!(h.view(), View::Error(e) if e.kind == Kind::Denied));
}

/// A settings file that does not parse is named with its line, and never lost.
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_settings_file_is_named_and_kept() {
    let platform = platform(fast_options()).await;
    let broken = "auth_url = \"https://campus.example\"\nclient_id = \n";
    let h = start(Setup {
        file: Some(broken.into()),
        ..Setup::new(RawSettings::default())
    });
    let View::Error(error) = h.view() else {
        panic!("{:?}", h.view())
    };
    assert_eq!(error.kind, Kind::SettingsFileBroken);
    assert_eq!(
        error.file.as_deref(),
        Some(h.config_file().to_str().unwrap())
    );
    assert_eq!(error.line, Some(2));
    assert!(error.can_open_settings);
    assert_eq!(
        std::fs::read_to_string(h.config_file()).unwrap(),
        broken,
        "untouched"
    );

    h.call("open_settings").unwrap();
    h.invoke(
        "save_setup",
        json!({"authUrl": platform.auth_url(), "clientId": DEMO_CLIENT_ID}),
    )
    .unwrap();
    assert_eq!(h.signed_out().await, None);
    let backup = h.dir.path().join("config.toml.bak");
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        broken,
        "kept as a backup"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_setting_that_cannot_be_used_is_named() {
    let h = start(Setup {
        file: Some("api_url = \"http://api.example\"\n".into()),
        ..Setup::new(
            RawSettings::default()
                .with(Key::AuthUrl, "https://campus.example")
                .with(Key::ClientId, "c"),
        )
    });
    let View::Error(error) = h.view() else {
        panic!("{:?}", h.view())
    };
    assert_eq!(error.kind, Kind::InvalidSetting);
    assert_eq!(error.setting, Some(Key::ApiUrl));
    assert!(error.can_open_settings);
}

/// The window may call exactly the commands `ui/app.js` calls, and no plugin.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_is_granted_exactly_what_it_calls() {
    let ui = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/app.js")).unwrap();
    let called: std::collections::BTreeSet<&str> = ui
        .match_indices("call(\"")
        .map(|(at, _)| {
            let rest = &ui[at + 6..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let granted: std::collections::BTreeSet<&str> = COMMANDS.iter().copied().collect();
    assert_eq!(
        called, granted,
        "ui/app.js calls these; the window is granted those"
    );
    let capability: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/capabilities/main-window.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let permitted: std::collections::BTreeSet<String> = capability["permissions"]
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
    assert_eq!(permitted, granted.iter().map(|c| c.to_string()).collect());

    let h = harness(RawSettings::default());
    for refused in [
        "plugin:opener|open_url",
        "plugin:clipboard-manager|read_text",
        "new_code",
        "back",
    ] {
        assert!(h.call(refused).is_err(), "{refused} is refused");
    }
}
