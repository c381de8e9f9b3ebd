//! What a hostile server, a hostile profile or a curious page cannot do to the learner.

use std::time::Duration;

use demo_platform::{DemoOptions, DemoUser, Hostile};
use serde_json::json;

use super::driver::*;

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn hostile_input_stays_text_and_the_webview_is_locked_down() {
    let _turn = take_turn().await;
    // An RTL override in the name would make the address after it read backwards.
    let user = DemoUser {
        firstname: "<img src=x onerror=\"document.title='pwned'\">".into(),
        lastname: "<script>document.title='pwned'</script>\u{202E}moc.elpmaxe".into(),
        email: "<b>bold</b>@example.com".into(),
        created_at: "not a date".into(),
        ..DemoUser::default()
    };
    let platform = platform(DemoOptions {
        user: user.clone(),
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    let name = sign_in(&app, &platform).await;
    assert_eq!(name, format!("{} {}", user.firstname, user.lastname));
    assert_eq!(app.wait_visible("profile-email").await, user.email);
    let injected = app
        .script(
            "return [document.querySelectorAll('#view-signed-in img, #view-signed-in script, #view-signed-in b').length, document.title]",
            vec![],
        )
        .await;
    assert_eq!(
        injected,
        json!([0, "Passerelle"]),
        "profile fields are inserted as text"
    );
    // Every field from the server is isolated for bidi.
    let isolated = app
        .script(
            "return ['profile-name', 'profile-email', 'profile-member-since', 'profile-platform']
               .map(id => { const e = document.querySelector(`[data-testid=${id}]`);
                            return e.tagName + ':' + getComputedStyle(e).unicodeBidi; })",
            vec![],
        )
        .await;
    assert_eq!(
        isolated,
        json!(["BDI:isolate", "BDI:isolate", "BDI:isolate", "BDI:isolate"])
    );
    app.screenshot("10-hostile-profile").await;

    // The webview has no opener: it cannot open a page itself.
    let opener = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('plugin:opener|open_url', { url: arguments[0] })
               .then(() => done('opened'), (e) => done('refused: ' + e));",
            vec![json!(platform.auth_url())],
        )
        .await;
    assert!(opener.as_str().unwrap().starts_with("refused"), "{opener}");
    // Nor reconfigure the app behind the learner's back.
    let saved = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('save_setup', { authUrl: 'https://evil.example', clientId: 'x' })
               .then(() => done('saved'), (e) => done('refused: ' + e.message));",
            vec![],
        )
        .await;
    assert_eq!(saved, json!("refused: not_now"));
    assert!(!app.scratch.path().join("opened.txt").exists());

    // Nor reach the network (the CSP allows no remote origin).
    let fetched = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(() => done('fetched'), () => done('blocked'));",
            vec![json!(platform.auth_url())],
        )
        .await;
    assert_eq!(fetched, json!("blocked"));

    // Nor leave the app's pages.
    app.script(
        "window.location.href = arguments[0]; return null;",
        vec![json!(platform.auth_url())],
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let url = app.client.current_url().await.unwrap();
    assert_eq!(url.scheme(), "tauri", "still on the app's page: {url}");
    assert_eq!(app.wait_visible("profile-name").await, name);
    app.close().await;
}

/// A verification page on another site is neither opened nor encoded: shown as text,
/// with a warning.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn a_verification_page_elsewhere_is_only_shown_with_a_warning() {
    let _turn = take_turn().await;
    let platform = platform(DemoOptions {
        hostile: Hostile {
            verification_uri: Some("https://phish.example/device".into()),
            ..Hostile::default()
        },
        ..fast_options()
    })
    .await;
    let app = App::launch(Launch::platform(platform.auth_url())).await;
    signed_out_to_code(&app).await;
    assert_eq!(
        app.wait_visible("verification-uri").await,
        "https://phish.example/device"
    );
    assert!(app.wait_visible("unsafe-url").await.contains("not its own"));
    assert!(!app.is_visible("qr-code").await, "no QR code is drawn");
    assert!(!app.is_visible("open-browser").await, "nothing to open");
    let src = app
        .script(
            "return document.getElementById('qr-code').getAttribute('src')",
            vec![],
        )
        .await;
    assert!(src.is_null(), "no image was ever set: {src}");
    app.screenshot("14-untrusted-page").await;
    super::a11y::axe(&app, "untrusted-page").await;
    app.close().await;
}

/// No token, device code or server text anywhere: page, web storage, the app's folders,
/// its logs at trace level (every target), its output.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn nothing_secret_in_the_page_the_files_or_the_logs() {
    let _turn = take_turn().await;
    let canary = "CANARY5d1b";
    let platform = platform(fast_options().with_canary(canary)).await;
    let app = App::launch(Launch {
        keychain: true,
        log: "trace",
        ..Launch::platform(platform.auth_url())
    })
    .await;
    // Pending polls carry descriptions with the canary; then the sign-in and a sign-out.
    let code = signed_out_to_code(&app).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(platform.decide(&code, demo_platform::Decision::Approved));
    app.wait_text("profile-name", |t| !t.is_empty()).await;
    let page = app.client.source().await.unwrap();
    let storage = app
        .script(
            "return JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie, document.title])",
            vec![],
        )
        .await
        .to_string();
    app.click("sign-out").await;
    app.wait_visible("notice").await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let secrets = platform.issued_secrets();
    assert_eq!(
        secrets.len(),
        3,
        "a device code, an access token and a refresh token"
    );
    let output = app.output();
    assert!(
        output.contains("polling the token endpoint"),
        "trace logs are captured"
    );
    assert!(
        output.contains("description_bytes"),
        "errors are logged by code and length"
    );
    let files = app.files();
    assert!(
        files
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("/logs/passerelle")),
        "the log files are searched too"
    );
    // What the app wrote is the learner's alone: its settings, its logs, its caches.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let scratch = app.scratch.path();
        let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode();
        for (path, _) in files.iter().filter(|(p, _)| {
            ["config", "data", "cache"]
                .iter()
                .any(|d| p.starts_with(scratch.join(d)))
        }) {
            assert_eq!(
                mode(path) & 0o077,
                0,
                "{} is {:o}",
                path.display(),
                mode(path)
            );
        }
        let logs = scratch.join("data/fr.passerelle.desktop/logs");
        assert_eq!(
            mode(&logs) & 0o077,
            0,
            "the log folder is {:o}",
            mode(&logs)
        );
    }
    for needle in secrets.iter().map(String::as_str).chain([canary]) {
        assert!(!page.contains(needle), "{needle} is in the page");
        assert!(!storage.contains(needle), "{needle} is in web storage");
        for (path, bytes) in &files {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{needle} is in {}", path.display());
        }
    }
    app.close().await;
}

/// Another platform chosen in Settings: the old session ends, and the new platform's
/// profile comes from the new platform.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn switching_platform_in_settings() {
    let label =
        |p: &demo_platform::DemoPlatform| p.auth_url().trim_start_matches("http://").to_owned();
    let _turn = take_turn().await;
    let old = platform(DemoOptions {
        separate_api: true,
        ..fast_options()
    })
    .await;
    let new = platform(DemoOptions {
        user: DemoUser {
            firstname: "Ines".into(),
            lastname: "Other".into(),
            ..DemoUser::default()
        },
        ..fast_options()
    })
    .await;
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(
        scratch.path().join("config.toml"),
        format!(
            "auth_url = \"{}\"\napi_url = \"{}\"\nclient_id = \"{}\"\n",
            old.auth_url(),
            old.api_url(),
            demo_platform::DEMO_CLIENT_ID
        ),
    )
    .unwrap();
    let app = App::launch_in(Launch::first_start(), scratch).await;
    assert_eq!(sign_in(&app, &old).await, "Camille Martin");
    let old_access = old.issued_secrets()[1].clone();

    app.click("settings").await;
    app.type_into("setup-auth-url", new.auth_url()).await;
    // The move is asked in a native dialog, which names both platforms; kept first.
    let (from, to) = (label(&old), label(&new));
    app.click("setup-save").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    screen_shot("18-confirm-platform-change");
    answer_dialog("Change platform?", &format!("Stay on {from}")).await;
    assert_eq!(
        app.wait_visible("setup-form-error").await,
        "The platform was not changed."
    );
    assert!(
        old.access_token_is_valid(&old_access),
        "still signed in there"
    );
    app.click("setup-save").await;
    answer_dialog("Change platform?", &format!("Use {to}")).await;
    app.wait_visible("sign-in").await;
    assert!(
        !old.access_token_is_valid(&old_access),
        "the old session is revoked"
    );
    assert_eq!(sign_in(&app, &new).await, "Ines Other");
    let label = app.wait_visible("profile-platform").await;
    assert!(new.auth_url().ends_with(&label), "{label}");
    let saved = std::fs::read_to_string(app.config_file()).unwrap();
    assert!(
        !saved.contains(old.api_url()),
        "the old API is forgotten: {saved}"
    );
    app.close().await;
}
