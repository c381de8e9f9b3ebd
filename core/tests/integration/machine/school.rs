//! The school's settings: locked for every learner, and used only when they are the
//! school's.

use demo_platform::{Decision, DEMO_CLIENT_ID};
use passerelle_core::machine::view::Screen;
use passerelle_core::machine::CommandError;
use passerelle_core::settings::{Key, Layer, RawSettings, Trust};

use super::harness::*;
use super::settings::{platform_two, save};

#[tokio::test(start_paused = true)]
async fn the_school_locks_the_platform() {
    let platform = platform(fast_options()).await;
    let other = platform_two().await;
    let h = start(Setup {
        school: Some(format!(
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
    let from = |key| {
        let in_use = setup.in_use.iter().find(|i| i.key == key).unwrap();
        (in_use.from, in_use.locked)
    };
    assert_eq!(from(Key::AuthUrl), (Layer::School, true));
    assert_eq!(from(Key::ClientId), (Layer::School, true));
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

/// A school's file the system owns but others may change is not used: the app says which
/// file, and why, and goes no further, so that the school finds out. (On Windows every file
/// a test makes is its user's, so there it is the next test's case.)
#[cfg(unix)]
#[tokio::test(start_paused = true)]
async fn a_school_file_others_may_change_is_refused() {
    use passerelle_core::machine::{view::Action, Message};
    let platform = platform(fast_options()).await;
    let school = |mode| {
        start(Setup {
            school: Some(format!(
                "auth_url = \"{}\"\nclient_id = \"{DEMO_CLIENT_ID}\"\nlocked = true\n",
                platform.auth_url()
            )),
            school_mode: Some(mode),
            ..Setup::new(RawSettings::default())
        })
    };
    assert_eq!(school(0o644).signed_out().await, None, "trusted as it is");
    let h = school(0o666);
    let file = h.dir.path().join("school.toml");
    let view = h.machine.view();
    let Screen::Error(error) = view.screen else {
        panic!("{view:?}")
    };
    assert_eq!(error.message, Message::ManagedFileUntrusted);
    assert_eq!(error.file.as_deref(), Some(file.to_str().unwrap()));
    assert!(
        error.detail.contains("may be changed by other users"),
        "{}",
        error.detail
    );
    assert_eq!(
        view.actions,
        vec![Action::Retry, Action::CopySupportDetails]
    );
    assert!(!view.tools.contains(&Action::OpenSettings));
}

/// A school's file an ordinary user owns — planted by a learner, say — is ignored: the app
/// starts with the other layers (here, the first start's setup), and says why in the log
/// and in `--show-settings`. One learner cannot stop the app for every other one.
#[tokio::test(start_paused = true)]
async fn a_school_file_an_ordinary_user_owns_is_ignored() {
    let platform = platform(fast_options()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("school.toml");
    std::fs::write(
        &file,
        format!(
            "auth_url = \"{}\"\nclient_id = \"x\"\nlocked = true\n",
            platform.auth_url()
        ),
    )
    .unwrap();
    // Owned by an ordinary user: the test's own, or nobody's when the test runs as root.
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
        }
    }
    let h = start_in(
        dir,
        Setup {
            school_trust: Trust::System,
            ..Setup::new(RawSettings::default())
        },
    );
    let view = h
        .until("the first start", |v| {
            !matches!(v.screen, Screen::Restoring)
        })
        .await;
    assert!(matches!(view.screen, Screen::Setup(_)), "{view:?}");
    h.machine.open_about();
    let Screen::About { managed, .. } = h.screen() else {
        panic!("{:?}", h.screen())
    };
    assert!(
        managed.is_empty(),
        "nothing of the planted file is used: {managed:?}"
    );
}

/// A value the school set that is of the right kind but cannot be used — a policy's
/// `token_store = "vault"`, a file's `sign_out_when_idle = "soon"` — names where the school set it,
/// and offers the learner no Settings where their own value could not win.
#[tokio::test(start_paused = true)]
async fn a_value_the_school_set_wrong_is_named_where_it_was_set() {
    use passerelle_core::machine::{view::Action, Message};
    use passerelle_core::settings::{Policies, PolicySet};
    let platform = platform(fast_options()).await;
    let machine = PolicySet {
        mandatory: RawSettings::default()
            .with(Key::AuthUrl, platform.auth_url())
            .with(Key::ClientId, DEMO_CLIENT_ID)
            .with(Key::TokenStore, "vault"),
        ..PolicySet::default()
    };
    let h = start(Setup {
        policies: Policies {
            machine,
            ..Policies::default()
        },
        ..Setup::new(RawSettings::default())
    });
    let view = h.machine.view();
    let Screen::Error(error) = view.screen else {
        panic!("{view:?}")
    };
    assert_eq!(error.message, Message::PolicyBroken);
    let policy = error.file.unwrap();
    assert!(policy.ends_with("token_store"), "{policy}");
    assert!(error.detail.contains("`token_store`"), "{}", error.detail);
    assert!(!view.actions.contains(&Action::OpenSettings), "locked");

    let h = start(Setup {
        school: Some(format!(
            "auth_url = \"{}\"\nclient_id = \"{DEMO_CLIENT_ID}\"\nsign_out_when_idle = \"soon\"\nlocked = [\"sign_out_when_idle\"]\n",
            platform.auth_url()
        )),
        ..Setup::new(RawSettings::default())
    });
    let view = h.machine.view();
    let Screen::Error(error) = view.screen else {
        panic!("{view:?}")
    };
    assert_eq!(error.message, Message::ManagedFileBroken);
    let file = h.dir.path().join("school.toml");
    assert_eq!(error.file.as_deref(), Some(file.to_str().unwrap()));
    assert_eq!(error.setting, Some(Key::SignOutWhenIdle));
    assert!(!view.actions.contains(&Action::OpenSettings), "locked");
}
