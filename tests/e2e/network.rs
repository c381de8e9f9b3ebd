//! A school's network, in the real window: the platform under a name only the school's proxy
//! reaches, over https with a certificate from the school's own authority (in the store the
//! app trusts: `SSL_CERT_FILE`), and the proxy named by GNOME's settings — written with
//! `gsettings` into dconf, in the tests' private D-Bus session — automatic with a PAC file,
//! then manual. And the two ways such a network says no: an authority not installed, and a
//! proxy that wants a sign-in the app cannot give.

use std::process::Command;

use demo_platform::proxy::{ProxyAuth, TestProxy};
use demo_platform::school::{SchoolNetwork, AUTHORITY};
use demo_platform::DemoPlatform;

use super::driver::*;

/// The configuration folder of the tests' D-Bus session, where its dconf keeps GNOME's
/// settings; `scripts/with-keyring` makes one, so that the tests never touch the user's.
fn session_config() -> String {
    assert!(
        std::env::var_os("PASSERELLE_IN_KEYRING_SESSION").is_some(),
        "GNOME's settings are written in the tests' own D-Bus session: run as scripts/test does"
    );
    std::env::var("XDG_CONFIG_HOME").expect("scripts/with-keyring sets XDG_CONFIG_HOME")
}

/// `gsettings set org.gnome.system.proxy[.child] key value`, in the tests' session.
fn gsettings(schema: &str, key: &str, value: &str) {
    let status = Command::new("gsettings")
        .args(["set", schema, key, value])
        .env("XDG_CONFIG_HOME", session_config())
        .status()
        .expect("gsettings runs (libglib2.0-bin)");
    assert!(status.success(), "gsettings set {schema} {key} {value}");
}

/// GNOME's proxy settings back to their defaults when a test ends, passed or not.
struct GnomeProxy;

impl Drop for GnomeProxy {
    fn drop(&mut self) {
        for schema in ["org.gnome.system.proxy", "org.gnome.system.proxy.https"] {
            let _ = Command::new("gsettings")
                .args(["reset-recursively", schema])
                .env("XDG_CONFIG_HOME", session_config())
                .status();
        }
    }
}

/// GNOME's settings name `proxy`'s PAC file.
fn gnome_pac(proxy: &TestProxy) {
    gsettings("org.gnome.system.proxy", "mode", "auto");
    gsettings("org.gnome.system.proxy", "autoconfig-url", &proxy.pac_url());
}

/// GNOME's settings name `proxy` for https addresses.
fn gnome_manual(proxy: &TestProxy) {
    let address = proxy.host_port();
    let (host, port) = address.rsplit_once(':').unwrap();
    gsettings("org.gnome.system.proxy", "mode", "manual");
    gsettings("org.gnome.system.proxy.https", "host", host);
    gsettings("org.gnome.system.proxy.https", "port", port);
}

/// The app for `platform` on a GNOME desktop of this session, trusting the authorities in
/// `roots` (PEM) alone when given.
async fn on_gnome(platform: &DemoPlatform, roots: Option<&str>) -> App {
    let scratch = tempfile::tempdir().unwrap();
    let mut launch = Launch::platform(platform.auth_url());
    launch.env = vec![
        ("XDG_CURRENT_DESKTOP".into(), "GNOME".into()),
        ("XDG_CONFIG_HOME".into(), session_config()),
    ];
    for name in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        assert!(
            std::env::var_os(name).is_none(),
            "{name} would win over GNOME's settings"
        );
    }
    if let Some(pem) = roots {
        let file = scratch.path().join("school-roots.pem");
        std::fs::write(&file, pem).unwrap();
        launch
            .env
            .push(("SSL_CERT_FILE".into(), file.display().to_string()));
    }
    App::launch_in(launch, scratch).await
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn a_learner_signs_in_through_the_proxy_gnome_names_by_a_pac_file_then_by_hand() {
    let _turn = take_turn().await;
    let _reset = GnomeProxy;
    let school = SchoolNetwork::start(ProxyAuth::None).await;
    let roots = Some(school.authority.pem.as_str());

    // Automatic: GNOME names the school's PAC file.
    gnome_pac(&school.proxy);
    let app = on_gnome(&school.platform, roots).await;
    assert_eq!(sign_in(&app, &school.platform).await, "Camille Martin");
    app.screenshot("network-pac-profile").await;
    let seen = school.proxy.seen();
    assert!(
        seen.iter().any(|l| l.starts_with("GET /proxy.pac")),
        "{seen:?}"
    );
    assert!(
        school.tunnels(&school.proxy) >= 1,
        "through the proxy: {seen:?}"
    );
    app.close().await;

    // Manual: GNOME names a proxy for https.
    let manual = school.another_proxy(ProxyAuth::None).await;
    gnome_manual(&manual);
    let app = on_gnome(&school.platform, roots).await;
    assert_eq!(sign_in(&app, &school.platform).await, "Camille Martin");
    assert!(school.tunnels(&manual) >= 1, "{:?}", manual.seen());
    app.close().await;
}

/// The app's error after Sign in: its title, and its details for support.
async fn error_after_sign_in(app: &App, screenshot: &str) -> (String, String) {
    app.click("sign-in").await;
    let title = app.wait_visible("error").await;
    let text = app.wait_visible("error-text").await;
    assert!(text.contains("Ask your school’s IT"), "{text}");
    app.click("show-details").await;
    let details = app.wait_visible("error-details").await;
    app.screenshot(screenshot).await;
    (title, details)
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "drives WebKitWebDriver under Xvfb: Linux only"
)]
async fn an_authority_not_installed_and_a_proxy_that_wants_ntlm_are_told_as_such() {
    let _turn = take_turn().await;
    let _reset = GnomeProxy;
    let school = SchoolNetwork::start(ProxyAuth::None).await;
    gnome_pac(&school.proxy);

    // The school's authority is not in this computer's store.
    let app = on_gnome(&school.platform, None).await;
    let (title, details) = error_after_sign_in(&app, "network-untrusted").await;
    assert_eq!(
        title,
        "This network does not let Passerelle reach your platform safely"
    );
    assert!(
        details.contains(AUTHORITY),
        "the issuer is named: {details}"
    );
    app.close().await;

    // A proxy that asks for NTLM, which the app does not speak: named, and what it asked.
    let ntlm = school.another_proxy(ProxyAuth::Demand("NTLM".into())).await;
    gnome_manual(&ntlm);
    let app = on_gnome(&school.platform, Some(&school.authority.pem)).await;
    let (title, details) = error_after_sign_in(&app, "network-proxy-ntlm").await;
    assert_eq!(
        title,
        "Your school’s proxy asks for a sign-in Passerelle cannot give"
    );
    assert!(
        details.contains(&ntlm.url) && details.contains("NTLM"),
        "{details}"
    );
    app.close().await;
}
