//! The school's settings: locked for every learner, and used only when they are the
//! school's.

use demo_platform::{Decision, DEMO_CLIENT_ID};
use passerelle_core::machine::view::{Action, Screen};
use passerelle_core::machine::{CommandError, Message};
use passerelle_core::settings::{Key, Layer, RawSettings, Trust};

use super::harness::*;
use super::settings::{platform_two, save};

#[tokio::test(start_paused = true)]
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
    h.machine.open_settings();
    let Screen::Setup(setup) = h.screen() else {
        panic!("{:?}", h.screen())
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
    assert!(matches!(
        save(&h, other.auth_url(), "").await,
        Err(CommandError::Locked(Key::AuthUrl))
    ));
    assert!(matches!(
        save(&h, platform.auth_url(), "mine").await,
        Err(CommandError::Locked(Key::ClientId))
    ));
    h.machine.close_overlay();
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
}

/// A school's file someone else could have written is not used: the app says which file,
/// and why, and goes no further. On Unix, one that other users may change; on Windows, one
/// that belongs to the learner who made it (every file a test makes is its user's).
#[tokio::test(start_paused = true)]
async fn a_school_file_anyone_could_have_written_is_not_used() {
    let platform = platform(fast_options()).await;
    let school = |planted: bool| {
        let mut setup = Setup {
            managed: Some(format!(
                "auth_url = \"{}\"\nclient_id = \"{DEMO_CLIENT_ID}\"\nlocked = true\n",
                platform.auth_url()
            )),
            ..Setup::new(RawSettings::default())
        };
        if cfg!(windows) {
            setup.managed_trust = if planted {
                Trust::System
            } else {
                Trust::AlsoMe
            };
        } else {
            setup.managed_mode = Some(if planted { 0o666 } else { 0o644 });
        }
        start(setup)
    };
    assert_eq!(school(false).signed_out().await, None, "trusted as it is");
    let h = school(true);
    let managed = h.dir.path().join("managed.toml");
    let view = h.machine.view();
    let Screen::Error(error) = view.screen else {
        panic!("{view:?}")
    };
    assert_eq!(error.message, Message::ManagedFileUntrusted);
    assert_eq!(error.file.as_deref(), Some(managed.to_str().unwrap()));
    let why = if cfg!(windows) {
        "not to the system"
    } else {
        "may be changed by other users"
    };
    assert!(error.detail.contains(why), "{}", error.detail);
    assert_eq!(
        view.actions,
        vec![Action::Retry, Action::CopySupportDetails]
    );
    assert!(!view.tools.contains(&Action::OpenSettings));
}
