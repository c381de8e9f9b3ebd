//! Helpers shared by the core's tests: a demo platform on loopback and a client for it.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use demo_platform::{Decision, DemoPlatform, DEMO_CLIENT_ID};
use passerelle_core::flow::{DeviceFlowClient, PollProgress, TokenResponse};
use passerelle_core::http::{Network, Timeouts};
use passerelle_core::settings::{Key, RawSettings, Settings};
use tokio_util::sync::CancellationToken;

pub use demo_platform::{fast_options, running as platform};

pub fn raw_settings(platform: &DemoPlatform) -> RawSettings {
    RawSettings::default()
        .with(Key::AuthUrl, platform.auth_url())
        .with(Key::ApiUrl, platform.api_url())
        .with(Key::ClientId, DEMO_CLIENT_ID)
}

/// A platform elsewhere than on this computer, which the tests never reach.
pub fn remote_settings() -> RawSettings {
    RawSettings::default()
        .with(Key::AuthUrl, "https://platform.example")
        .with(Key::ClientId, "c")
        .with(
            Key::DeviceAuthorizationEndpoint,
            "https://platform.example/d",
        )
        .with(Key::TokenEndpoint, "https://platform.example/t")
        .with(Key::RevocationEndpoint, "https://platform.example/r")
}

/// The way `http` takes to `url`.
pub async fn route(http: &passerelle_core::http::Http, url: &str) -> passerelle_core::http::Route {
    http.route(&url::Url::parse(url).unwrap()).await
}

/// A port nothing listens on.
pub fn nothing_on() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", l.local_addr().unwrap())
}

/// Short timeouts so that "slow answer" faults are quick to hit.
pub const TEST_TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(2),
    request: Duration::from_secs(1),
};

/// How the tests reach the demo platform: directly, with [`TEST_TIMEOUTS`].
pub fn test_network() -> Network {
    Network {
        timeouts: TEST_TIMEOUTS,
        ..Network::default()
    }
}

pub fn client_with(raw: RawSettings) -> DeviceFlowClient {
    DeviceFlowClient::new(
        Settings::check(&raw).expect("valid settings"),
        test_network(),
    )
}

pub fn client(platform: &DemoPlatform) -> DeviceFlowClient {
    client_with(raw_settings(platform))
}

/// Collects progress reports.
#[derive(Clone, Default)]
pub struct Progress(pub Arc<Mutex<Vec<PollProgress>>>);

impl Progress {
    pub fn sink(&self) -> impl FnMut(PollProgress) + use<> {
        let seen = self.0.clone();
        move |p| seen.lock().unwrap().push(p)
    }

    pub fn all(&self) -> Vec<PollProgress> {
        self.0.lock().unwrap().clone()
    }
}

/// A whole sign-in with the core, the learner approving at once.
pub async fn approved_token(client: &DeviceFlowClient, platform: &DemoPlatform) -> TokenResponse {
    let pending = client.start_sign_in().await.unwrap();
    assert!(platform.decide(&pending.authorization.user_code, Decision::Approved));
    client
        .wait_for_token(&pending, &CancellationToken::new(), |_| {})
        .await
        .unwrap()
}

/// True when these tests run under Wine rather than Windows: Wine's ntdll says its version.
#[cfg(windows)]
pub fn under_wine() -> bool {
    use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
    let ntdll: Vec<u16> = "ntdll.dll".encode_utf16().chain([0]).collect();
    // SAFETY: a NUL-terminated module name, and a NUL-terminated export name.
    unsafe {
        let module = GetModuleHandleW(ntdll.as_ptr());
        !module.is_null() && GetProcAddress(module, c"wine_get_version".as_ptr().cast()).is_some()
    }
}

#[cfg(not(windows))]
pub fn under_wine() -> bool {
    false
}
