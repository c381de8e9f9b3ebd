//! What only Windows has, on Windows (under Wine in CI): the session in the Credential
//! Manager, the known folders from the system, the trust check of the school's file with
//! the system's own security descriptors, and the policies Group Policy writes in the
//! registry.

use demo_platform::DEMO_CLIENT_ID;
use passerelle_core::machine::view::Screen;
use passerelle_core::settings::policy::registry::{KEY, RECOMMENDED};
use passerelle_core::settings::{Key, Layer, Policies, RawSettings};
use windows_registry::{CURRENT_USER, LOCAL_MACHINE};

use crate::common::{fast_options, platform};
use crate::machine::harness::{start, Setup};

use passerelle_core::flow::{AccessToken, RefreshToken};
use passerelle_core::paths::Paths;
use passerelle_core::session::credentials::Credential;
use passerelle_core::session::{Binding, Keychain, SavedSession, Vault, VaultError};
use passerelle_core::settings::trust::windows::{verdict, TRUSTED};
use passerelle_core::settings::trust::Verdict;
use passerelle_core::settings::trust::{current_user_sid, descriptor_from_sddl, descriptor_of};
use url::Url;

fn session(access: usize, refresh: usize) -> SavedSession {
    let jwt = |len: usize| format!("eyJhbGciOiJSUzI1NiJ9.{}.sig", "x".repeat(len));
    SavedSession {
        access_token: Some(AccessToken::new(jwt(access))),
        refresh_token: Some(RefreshToken::new(jwt(refresh))),
        expires_at: Some(1_900_000_000),
        binding: Binding {
            client_id: "app".into(),
            token: "https://platform.example/token".parse().unwrap(),
            revocation: None,
            profile: "https://platform.example/me".parse().unwrap(),
        },
        signed_in_at: Some(1_800_000_000),
        profile: None,
    }
}

/// Sessions are stored as bytes (not as UTF-16 passwords, which would halve the room), and
/// kept within the 2,560 bytes the Credential Manager holds: Wine does not enforce that
/// limit, the keyring crate does, before the system is asked.
#[test]
fn sessions_in_the_credential_manager_fit_its_limit() {
    let nonce = std::process::id();
    let url = Url::parse(&format!("https://platform-{nonce}.example/")).unwrap();
    let keychain = Keychain::for_platform("fr.passerelle.desktop.tests", &url).unwrap();
    let small = session(700, 600);
    keychain.save(&small).unwrap();
    assert_eq!(keychain.load().unwrap(), Some(small));
    // Kept on this computer: never roaming with the learner's profile to the school's others.
    let credential = Credential::new("fr.passerelle.desktop.tests", url.as_str());
    assert_eq!(
        credential.persistence().unwrap(),
        Some(windows_sys::Win32::Security::Credentials::CRED_PERSIST_LOCAL_MACHINE)
    );

    // Too large whole: kept without its access token, which the next start refreshes.
    let big = session(1800, 900);
    keychain.save(&big).unwrap();
    let kept = keychain.load().unwrap().unwrap();
    assert_eq!(kept.access_token, None);
    assert_eq!(kept.refresh_token, big.refresh_token);

    // Too large even so: refused, said as such.
    assert_eq!(
        keychain.save(&session(100, 3000)),
        Err(VaultError::TooLarge)
    );
    keychain.delete().unwrap();
    assert_eq!(keychain.load().unwrap(), None);
}

/// A session an earlier version kept through the keyring crate — `{name}.{service}`, with
/// `CRED_PERSIST_ENTERPRISE`, roaming with the learner's profile — is found by a computer
/// switched to shared use though no list names it, and moved to this computer when read.
#[test]
fn an_earlier_version_s_roaming_session_is_found_and_kept_here() {
    use windows_sys::Win32::Security::Credentials::{
        CredWriteW, CREDENTIALW, CRED_PERSIST_ENTERPRISE, CRED_PERSIST_LOCAL_MACHINE,
        CRED_TYPE_GENERIC,
    };
    let service = &format!("fr.passerelle.desktop.tests.roaming.{}", std::process::id());
    let url = Url::parse("https://earlier.example/").unwrap();
    let kept = session(300, 300);
    let payload = kept.to_payload(None).unwrap();
    let target: Vec<u16> = format!("{url}.{service}")
        .encode_utf16()
        .chain([0])
        .collect();
    let credential = CREDENTIALW {
        Flags: 0,
        Type: CRED_TYPE_GENERIC,
        TargetName: target.as_ptr() as *mut u16,
        Comment: std::ptr::null_mut(),
        LastWritten: Default::default(),
        CredentialBlobSize: payload.len() as u32,
        CredentialBlob: payload.as_ptr() as *mut u8,
        Persist: CRED_PERSIST_ENTERPRISE,
        AttributeCount: 0,
        Attributes: std::ptr::null_mut(),
        TargetAlias: std::ptr::null_mut(),
        UserName: std::ptr::null_mut(),
    };
    // SAFETY: every pointer is valid for the call.
    assert_ne!(unsafe { CredWriteW(&credential, 0) }, 0);

    let found = Keychain::remembered(service).unwrap();
    assert_eq!(found.len(), 1, "found without a list");
    assert_eq!(found[0].load().unwrap(), Some(kept.clone()));
    // Read once: now kept on this computer only, and nowhere else.
    assert_eq!(
        Credential::new(service, url.as_str())
            .persistence()
            .unwrap(),
        Some(CRED_PERSIST_LOCAL_MACHINE)
    );
    assert_eq!(Credential::names(service).unwrap(), [url.to_string()]);
    found[0].delete().unwrap();
    assert!(Keychain::remembered(service).unwrap().is_empty());
}

/// The machine-wide folder comes from the system, never from the environment a learner
/// sets; the learner's come from their own profile.
#[test]
fn the_known_folders_come_from_the_system() {
    std::env::set_var("ProgramData", r"C:\users\learner\planted");
    let paths = Paths::current();
    let managed = paths.school_file.to_string_lossy().to_lowercase();
    assert!(
        managed.ends_with(r"\programdata\passerelle\config.toml") && !managed.contains("planted"),
        "{managed}"
    );
    let appdata = std::env::var("APPDATA").unwrap();
    assert_eq!(
        paths.config_file.unwrap(),
        std::path::Path::new(&appdata).join(r"fr.passerelle.desktop\config.toml")
    );
    let local = std::env::var("LOCALAPPDATA").unwrap();
    assert_eq!(
        paths.log_dir.unwrap(),
        std::path::Path::new(&local).join(r"fr.passerelle.desktop\logs")
    );
}

/// A file a learner made is theirs, not the system's: the school's file is refused. The
/// descriptors a school's installer sets, written in SDDL and read by the system, pass or
/// fail as they should. (A null DACL, `D:NO_ACCESS_CONTROL`, is checked by the unit tests
/// only: Wine reads it as an empty list.)
#[test]
fn the_school_s_file_is_checked_with_the_system_s_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "locked = true\n").unwrap();
    let me = current_user_sid().expect("this process's user");
    let planted = descriptor_of(&file).unwrap();
    assert_eq!(planted.owner, me, "a file belongs to whoever made it");
    assert!(
        matches!(verdict("the file", &planted, None), Verdict::Planted(e) if e.contains("not to the system"))
    );
    assert_eq!(verdict("the file", &planted, Some(&me)), Verdict::System);

    let installed = "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
    assert_eq!(
        verdict(
            "its folder",
            &descriptor_from_sddl(installed).unwrap(),
            None
        ),
        Verdict::System
    );
    for (sddl, why) in [
        (
            "O:BAG:SYD:(A;;FA;;;SY)(A;;FW;;;BU)",
            "may be changed by S-1-5-32-545",
        ),
        (
            "O:BAG:SYD:(A;;FA;;;SY)(A;;SD;;;WD)",
            "may be changed by S-1-1-0",
        ),
        (
            "O:S-1-5-21-1-2-3-1001G:SYD:(A;;FA;;;SY)",
            "belongs to S-1-5-21-1-2-3-1001",
        ),
    ] {
        let d = descriptor_from_sddl(sddl).unwrap();
        let e = match verdict("the file", &d, None) {
            Verdict::Planted(e) | Verdict::Exposed(e) => e,
            Verdict::System => panic!("{sddl} is the system's"),
        };
        assert!(e.contains(why), "{sddl}: {e}");
    }
    assert!(TRUSTED.contains(&descriptor_from_sddl(installed).unwrap().owner.as_str()));
}

/// The policies Group Policy and Intune write, read from the registry: given its platform
/// only through `HKLM\SOFTWARE\Policies\Passerelle`, the app starts on Sign in with those
/// values, locked, and a user's recommended value under them. The keys are removed after.
#[tokio::test(start_paused = true)]
async fn a_platform_given_by_group_policy_starts_on_sign_in() {
    let platform = platform(fast_options()).await;
    let machine = LOCAL_MACHINE.create(KEY).unwrap();
    machine.set_string("auth_url", platform.auth_url()).unwrap();
    machine.set_string("client_id", DEMO_CLIENT_ID).unwrap();
    machine.set_u32("remember_session", 0).unwrap();
    let user = CURRENT_USER.create(RECOMMENDED).unwrap();
    user.set_string("token_store", "memory").unwrap();
    user.set_string("client_id", "the user's own").unwrap();
    let read = Policies::of_this_system();
    let h = start(Setup {
        policies: read.clone().unwrap(),
        ..Setup::new(RawSettings::default())
    });
    let signed_out = h.signed_out().await;
    LOCAL_MACHINE.remove_tree(KEY).unwrap();
    CURRENT_USER.remove_tree(RECOMMENDED).unwrap();

    let policies = read.unwrap();
    assert_eq!(
        policies.machine.mandatory.get(Key::RememberSession),
        Some("false")
    );
    assert_eq!(
        policies.user.recommended.get(Key::TokenStore),
        Some("memory")
    );
    assert_eq!(signed_out, None, "on Sign in");
    h.machine.open_about();
    let Screen::About { managed, .. } = h.screen() else {
        panic!("{:?}", h.screen())
    };
    let setting = |key| managed.iter().find(|s| s.key == key).cloned().unwrap();
    assert_eq!(setting(Key::AuthUrl).from, Layer::MachinePolicy);
    assert!(setting(Key::AuthUrl).locked && setting(Key::ClientId).locked);
    assert_eq!(
        setting(Key::ClientId).value,
        DEMO_CLIENT_ID,
        "the machine's, locked"
    );
    assert_eq!(setting(Key::TokenStore).from, Layer::Recommended);
    assert!(!setting(Key::TokenStore).locked);
}

/// Where Internet Options (and Group Policy's proxy settings) keep the learner's proxy.
const CONNECTIONS: &str =
    r"Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections";

/// `DefaultConnectionSettings` as Windows writes it: a header, then the proxy list, the
/// bypass list and the PAC address, each with its length. Flags: 1 direct, 2 a proxy, 4 a
/// PAC address, 8 WPAD.
fn connection_settings(flags: u32, proxy: &str, bypass: &str, pac: &str) -> Vec<u8> {
    let mut blob = Vec::new();
    for word in [0x46u32, 1, flags] {
        blob.extend_from_slice(&word.to_le_bytes());
    }
    for text in [proxy, bypass, pac] {
        blob.extend_from_slice(&(text.len() as u32).to_le_bytes());
        blob.extend_from_slice(text.as_bytes());
    }
    blob.extend_from_slice(&[0; 32]);
    blob
}

/// The learner's proxy settings, followed through WinHTTP's own resolver: a proxy with its
/// bypass list, then a PAC file. The settings are put back after.
#[tokio::test(flavor = "multi_thread")]
async fn the_learner_s_proxy_settings_through_winhttp() {
    use demo_platform::proxy::{ProxyOptions, TestProxy};
    use passerelle_core::http::{Http, Network, Proxies, ProxyAddress, Route};
    use windows_registry::Type;

    let proxy = TestProxy::start(ProxyOptions {
        pac: Some(
            "function FindProxyForURL(url, host) {
               return host == 'feed.example' ? 'DIRECT' : 'PROXY SELF';
             }"
            .into(),
        ),
        ..ProxyOptions::default()
    })
    .await;
    let via = Route::Via(ProxyAddress::parse(&proxy.host_port()).unwrap());
    let key = CURRENT_USER.create(CONNECTIONS).unwrap();
    let before = key.get_value("DefaultConnectionSettings").ok();
    let system = || {
        // No proxy in the environment: the system's settings decide.
        let network = Network {
            proxies: Proxies::System(Default::default()),
            ..Network::default()
        };
        Http::new(&network).unwrap()
    };
    let set = |blob: Vec<u8>| {
        key.set_bytes("DefaultConnectionSettings", Type::Bytes, &blob)
            .unwrap()
    };
    set(connection_settings(
        3,
        &proxy.host_port(),
        "<local>;*.intra.example",
        "",
    ));
    let http = system();
    let proxied = crate::common::route(&http, "https://platform.example/").await;
    let local = crate::common::route(&http, "https://moodle/").await;
    let bypassed = crate::common::route(&http, "https://www.intra.example/").await;

    set(connection_settings(5, "", "", &proxy.pac_url()));
    let http = system();
    let by_pac = crate::common::route(&http, "https://platform.example/").await;
    let direct_by_pac = crate::common::route(&http, "https://feed.example/").await;

    match before {
        Some(value) => key.set_value("DefaultConnectionSettings", &value).unwrap(),
        None => key.remove_value("DefaultConnectionSettings").unwrap(),
    }
    assert_eq!(proxied, via, "the static proxy");
    assert_eq!(local, Route::Direct, "<local>: a name without a dot");
    assert_eq!(bypassed, Route::Direct, "the bypass list");
    assert_eq!(by_pac, via, "the PAC file, evaluated by WinHTTP");
    assert_eq!(direct_by_pac, Route::Direct);
}
