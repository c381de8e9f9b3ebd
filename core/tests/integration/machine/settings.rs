//! Choosing the platform: first start, a build that knows its platform, the school's
//! locks, moving to another platform (confirmed outside the page), broken files.

use std::sync::Arc;

use demo_platform::{Decision, DemoOptions, DemoPlatform, DEMO_CLIENT_ID};
use passerelle_core::machine::view::{Action, Screen};
use passerelle_core::machine::{CommandError, Message, Question};
use passerelle_core::session::fake::FakeKeychain;
use passerelle_core::settings::{Invalid, Key, RawSettings};

use super::harness::*;

pub fn save(
    h: &Harness,
    url: &str,
    id: &str,
) -> impl std::future::Future<Output = Result<(), CommandError>> {
    let machine = h.machine.clone();
    let (url, id) = (url.to_owned(), id.to_owned());
    async move { machine.save_setup(url, id).await }
}

#[tokio::test(start_paused = true)]
async fn first_start_asks_only_for_the_address() {
    let platform = platform(fast_options()).await;
    let h = harness(RawSettings::default());
    let view = h.machine.view();
    let Screen::Setup(setup) = view.screen else {
        panic!("{view:?}")
    };
    assert!(setup.first_run && setup.locked.is_empty() && !setup.managed);
    assert_eq!(view.actions, vec![Action::SaveSetup]);
    assert_eq!(
        view.tools,
        vec![Action::OpenAbout],
        "no settings over the setup form"
    );
    assert!(matches!(
        h.machine.start_sign_in(),
        Err(CommandError::NotNow)
    ));
    let e = save(&h, "http://platform.example", "").await.unwrap_err();
    assert!(matches!(
        e,
        CommandError::Setting(passerelle_core::settings::ConfigError::Invalid {
            key: Key::AuthUrl,
            reason: Invalid::NeedsHttps
        })
    ));
    assert!(matches!(
        save(&h, "MonCampus.example/", "").await,
        Err(CommandError::ClientIdNeeded)
    ));
    save(&h, platform.auth_url(), DEMO_CLIENT_ID).await.unwrap();
    assert_eq!(h.signed_out().await, None);
    assert!(
        h.desktop.asked.lock().unwrap().is_empty(),
        "nothing to leave"
    );
    let saved = std::fs::read_to_string(h.config_file()).unwrap();
    assert_eq!(
        saved,
        format!(
            "auth_url = \"{}/\"\nclient_id = \"passerelle-demo\"\n",
            platform.auth_url()
        )
    );
    // Saving is for the setup form only: not behind the learner's back.
    assert!(matches!(
        save(&h, "https://evil.example", "x").await,
        Err(CommandError::NotNow)
    ));
}

/// A copy built for a platform opens on Sign in: no setup, no client id.
#[tokio::test(start_paused = true)]
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

pub async fn platform_two() -> DemoPlatform {
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

/// Another platform in Settings: asked outside the page first; then the old one's session
/// ends, its settings are dropped, and the new platform's tokens go to its own API only.
#[tokio::test(start_paused = true)]
async fn changing_platform_is_confirmed_and_leaves_nothing_of_the_old_one() {
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

    // The learner keeps the old platform: nothing changes.
    *h.desktop.answer.lock().unwrap() = false;
    h.machine.open_settings();
    assert!(matches!(
        save(&h, new.auth_url(), DEMO_CLIENT_ID).await,
        Err(CommandError::NotConfirmed)
    ));
    let port = |p: &DemoPlatform| p.auth_url().trim_start_matches("http://").to_owned();
    assert_eq!(
        *h.desktop.asked.lock().unwrap(),
        vec![Question::MoveToPlatform {
            from: port(&old),
            to: port(&new)
        }]
    );
    assert!(old.access_token_is_valid(&access));
    h.machine.close_overlay();
    assert!(matches!(h.screen(), Screen::SignedIn { .. }));

    *h.desktop.answer.lock().unwrap() = true;
    h.machine.open_settings();
    save(&h, new.auth_url(), DEMO_CLIENT_ID).await.unwrap();
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
    let Screen::SignedIn {
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

/// Choosing another platform from an error, with the session still kept there, ends that
/// session too.
#[tokio::test(start_paused = true)]
async fn leaving_a_platform_from_an_error_ends_its_kept_session() {
    let old = platform(fast_options()).await;
    let new = platform_two().await;
    let session = earlier_session(&old).await;
    let store = keychain(Some(session.clone()));
    old.faults().inject(
        demo_platform::Target::Api,
        demo_platform::Fault::ServerError,
        1,
    );
    let h = start(Setup {
        file: Some(raw_settings(&old).to_toml()),
        ..Setup::new(RawSettings::default()).with_keychain(store.clone())
    });
    assert_eq!(h.error().await, Message::ServerError);
    h.machine.open_settings();
    save(&h, new.auth_url(), DEMO_CLIENT_ID).await.unwrap();
    assert_eq!(h.signed_out().await, None);
    assert_eq!(store.stored(), None);
    assert!(!old.access_token_is_valid(session.access_token.unwrap().expose()));
}

/// Two saves at once: one runs, the other is refused; Save waits while one runs.
#[tokio::test(start_paused = true)]
async fn one_save_at_a_time() {
    let old = platform(fast_options()).await;
    let new = platform_two().await;
    let keepers = Arc::new(FakeKeychain::default());
    let h = start(Setup {
        file: Some(raw_settings(&old).to_toml()),
        ..Setup::new(RawSettings::default()).with_keychain(keepers)
    });
    h.signed_out().await;
    h.machine.open_settings();
    let (first, second) = tokio::join!(
        save(&h, new.auth_url(), DEMO_CLIENT_ID),
        save(&h, new.auth_url(), DEMO_CLIENT_ID)
    );
    assert!(first.is_ok());
    assert!(matches!(second, Err(CommandError::NotNow)));
    assert_eq!(h.desktop.asked.lock().unwrap().len(), 1, "asked once");
    h.signed_out().await;
    let Screen::SignedOut { .. } = h.screen() else {
        unreachable!()
    };
    let saving = h
        .window
        .views()
        .into_iter()
        .any(|v| matches!(v.screen, Screen::Setup(s) if s.saving));
    assert!(saving, "the form was told a save was under way");
}

#[tokio::test(start_paused = true)]
async fn support_details_and_about_hold_no_secret() {
    let platform = platform(fast_options()).await;
    let h = harness(raw_settings(&platform));
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Approved).await;
    h.signed_in().await;
    h.machine.sign_out().await.unwrap();
    h.signed_out().await;
    h.sign_in_and_decide(&platform, Decision::Denied).await;
    assert_eq!(h.error().await, Message::Denied);
    h.machine.copy_support_details().unwrap();
    let details = h.desktop.copied.lock().unwrap().last().cloned().unwrap();
    for expected in [
        concat!("Passerelle ", env!("CARGO_PKG_VERSION")),
        "Error: denied",
        &format!("Platform: {}\n", platform.auth_url()),
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
    h.machine.open_about();
    assert!(matches!(
        h.screen(),
        Screen::About { version, license: "MIT", .. } if version == env!("CARGO_PKG_VERSION")
    ));
    h.machine.close_overlay();
    assert!(matches!(h.screen(), Screen::Error(e) if e.message == Message::Denied));
}

/// A settings file that does not parse is named with its line, and never lost.
#[tokio::test(start_paused = true)]
async fn a_broken_settings_file_is_named_and_kept() {
    let platform = platform(fast_options()).await;
    let broken = "auth_url = \"https://campus.example\"\nclient_id = \n";
    let h = start(Setup {
        file: Some(broken.into()),
        ..Setup::new(RawSettings::default())
    });
    let view = h.machine.view();
    let Screen::Error(error) = view.screen else {
        panic!("{view:?}")
    };
    assert_eq!(error.message, Message::SettingsFileBroken);
    assert_eq!(
        error.file.as_deref(),
        Some(h.config_file().to_str().unwrap())
    );
    assert_eq!(error.line, Some(2));
    assert_eq!(
        view.actions,
        vec![
            Action::Retry,
            Action::OpenSettings,
            Action::CopySupportDetails
        ]
    );
    assert_eq!(
        std::fs::read_to_string(h.config_file()).unwrap(),
        broken,
        "untouched"
    );

    h.machine.open_settings();
    save(&h, platform.auth_url(), DEMO_CLIENT_ID).await.unwrap();
    assert_eq!(h.signed_out().await, None);
    let backup = h.dir.path().join("config.toml.bak");
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        broken,
        "kept as a backup"
    );
}

#[tokio::test(start_paused = true)]
async fn a_setting_that_cannot_be_used_is_named() {
    let h = start(Setup {
        file: Some("api_url = \"http://api.example\"\n".into()),
        ..Setup::new(
            RawSettings::default()
                .with(Key::AuthUrl, "https://campus.example")
                .with(Key::ClientId, "c"),
        )
    });
    let view = h.machine.view();
    let Screen::Error(error) = view.screen else {
        panic!("{view:?}")
    };
    assert_eq!(error.message, Message::InvalidSetting);
    assert_eq!(error.setting, Some(Key::ApiUrl));
    assert!(view.actions.contains(&Action::OpenSettings));
}
