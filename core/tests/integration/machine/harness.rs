//! The machine as the app starts it, with stand-ins around it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use demo_platform::{Decision, DemoPlatform};
use passerelle_core::flow::DeviceFlowClient;
use passerelle_core::http::Network;
use passerelle_core::machine::testing::{RecordingDesktop, RecordingWindow};
use passerelle_core::machine::view::{Screen, Status};
use passerelle_core::machine::{Installer, KeeperFactory, Machine, Message, Startup, View};
use passerelle_core::session::fake::{FakeKeychain, FakeRemembered};
use passerelle_core::session::{self, Binding, Patience, SavedSession, Vault};
use passerelle_core::settings::{Policies, RawSettings, Settings, Trust};
use tokio_util::sync::CancellationToken;

pub use crate::common::{fast_options, nothing_on, platform, raw_settings};

/// What a test starts the machine with.
pub struct Setup {
    pub flags: RawSettings,
    pub build: RawSettings,
    /// The machine-wide file's text, if any, and its Unix mode when not the usual one.
    pub school: Option<String>,
    pub school_mode: Option<u32>,
    /// The policies the system's management tools set.
    pub policies: Policies,
    /// The learner's file's text, if any.
    pub file: Option<String>,
    /// Stands in for the keychain, for every platform.
    pub keychain: Arc<dyn Vault>,
    pub patience: Patience,
    /// Instead of one keychain for every platform: a keeper made by this for each.
    pub keepers: Option<KeeperFactory>,
    /// Whose the school's file must be: by default the test's user's too.
    pub school_trust: Trust,
    /// The sessions an earlier run kept, every platform's.
    pub remembered: Vec<Arc<dyn Vault>>,
    /// What installs updates: none by default, so that no test asks a feed.
    pub installer: Option<Arc<dyn Installer>>,
}

impl Setup {
    pub fn new(flags: RawSettings) -> Self {
        Self {
            flags,
            build: RawSettings::default(),
            school: None,
            school_mode: None,
            policies: Policies::default(),
            file: None,
            keychain: Arc::new(FakeKeychain::default()),
            patience: Patience::default(),
            keepers: None,
            school_trust: Trust::AlsoMe,
            installer: None,
            remembered: Vec::new(),
        }
    }

    pub fn with_keychain(self, keychain: Arc<dyn Vault>) -> Self {
        Self { keychain, ..self }
    }
}

pub struct Harness {
    pub machine: Machine,
    /// The time the computer slept, which the machine's clock counts and tokio's does not.
    pub slept: Arc<AtomicU64>,
    pub window: Arc<RecordingWindow>,
    pub desktop: Arc<RecordingDesktop>,
    pub dir: tempfile::TempDir,
}

pub fn harness(flags: RawSettings) -> Harness {
    start(Setup::new(flags))
}

pub fn harness_with(flags: RawSettings, keychain: Arc<dyn Vault>) -> Harness {
    start(Setup::new(flags).with_keychain(keychain))
}

/// The machine started as the app starts it: connected to its window, then begun
/// (restoring what the stand-in keychain holds).
pub fn start(setup: Setup) -> Harness {
    start_in(tempfile::tempdir().unwrap(), setup)
}

/// As [`start`], in a folder an earlier run left (its files as that run left them).
pub fn start_in(dir: tempfile::TempDir, setup: Setup) -> Harness {
    let config_file = dir.path().join("config.toml");
    let school_file = dir.path().join("school.toml");
    if let Some(text) = &setup.file {
        std::fs::write(&config_file, text).unwrap();
    }
    if let Some(text) = &setup.school {
        std::fs::write(&school_file, text).unwrap();
    }
    #[cfg(unix)]
    if let Some(mode) = setup.school_mode {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&school_file, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    assert!(setup.school_mode.is_none(), "modes are Unix's");
    let (keychain, patience) = (setup.keychain.clone(), setup.patience);
    let startup = Startup {
        flags: setup.flags,
        env: RawSettings::default(),
        build: setup.build,
        built_for: None,
        config_file: Some(config_file),
        school_file,
        school_trust: setup.school_trust,
        policies: {
            let policies = setup.policies.clone();
            Arc::new(move || Ok(policies.clone()))
        },
        keepers: setup.keepers.unwrap_or_else(|| {
            // As the app makes them, with the stand-in for its keychain.
            Arc::new(move |settings: &Settings| {
                session::keeper(Some(keychain.clone()), settings, patience)
            })
        }),
        // The app's own timeouts: the paused clock makes them cost nothing.
        network: Network::default(),
        clock: Arc::new(Duration::default),
        version: "0.1.0".into(),
        installer: setup.installer.clone(),
        update_note: Some(dir.path().join("updated.json")),
        remembered: Arc::new(FakeRemembered(setup.remembered.clone())),
    };
    let window = Arc::new(RecordingWindow::default());
    let desktop = Arc::new(RecordingDesktop::default());
    let slept = Arc::new(AtomicU64::new(0));
    let startup = Startup {
        // tokio's paused clock, and the nights a test makes the computer sleep.
        clock: {
            let (start, slept) = (tokio::time::Instant::now(), slept.clone());
            Arc::new(move || start.elapsed() + Duration::from_secs(slept.load(Ordering::SeqCst)))
        },
        ..startup
    };
    let machine = Machine::new(
        startup,
        window.clone(),
        desktop.clone(),
        tokio::runtime::Handle::current(),
    );
    machine.connect();
    machine.begin();
    Harness {
        machine,
        slept,
        window,
        desktop,
        dir,
    }
}

impl Harness {
    /// The computer sleeps for `night`: no timer runs, and the machine's clock counts it.
    pub fn sleep_for(&self, night: Duration) {
        self.slept.fetch_add(night.as_secs(), Ordering::SeqCst);
    }

    pub fn screen(&self) -> Screen {
        self.machine.view().screen
    }

    pub fn config_file(&self) -> std::path::PathBuf {
        self.dir.path().join("config.toml")
    }

    /// Waits, in virtual time, until the view satisfies `done`. Time is moved on by hand,
    /// since a keychain call on its blocking thread keeps the paused clock from moving on
    /// by itself.
    pub async fn until(&self, what: &str, done: impl Fn(&View) -> bool) -> View {
        let started = tokio::time::Instant::now();
        loop {
            let view = self.machine.view();
            if done(&view) {
                return view;
            }
            if started.elapsed() > Duration::from_secs(600) {
                panic!("never {what}; the view is {view:?}");
            }
            tokio::task::yield_now().await;
            tokio::time::advance(Duration::from_millis(10)).await;
        }
    }

    pub async fn signed_out(&self) -> Option<Message> {
        match self
            .until("signed out", |v| {
                matches!(v.screen, Screen::SignedOut { .. })
            })
            .await
            .screen
        {
            Screen::SignedOut { notice } => notice,
            _ => unreachable!(),
        }
    }

    pub async fn signed_in(&self) -> Screen {
        self.until("signed in", |v| matches!(v.screen, Screen::SignedIn { .. }))
            .await
            .screen
    }

    /// Waits for the error view; returns its message.
    pub async fn error(&self) -> Message {
        match self
            .until("an error", |v| matches!(v.screen, Screen::Error(_)))
            .await
            .screen
        {
            Screen::Error(e) => e.message,
            _ => unreachable!(),
        }
    }

    pub async fn code(&self) -> String {
        match self
            .until("a code", |v| matches!(v.screen, Screen::CodeShown(_)))
            .await
            .screen
        {
            Screen::CodeShown(c) => c.user_code,
            _ => unreachable!(),
        }
    }

    pub async fn approved(&self) {
        self.until(
            "approved",
            |v| matches!(&v.screen, Screen::CodeShown(c) if c.status == Status::Approved),
        )
        .await;
    }

    /// Clicks Sign in, and the learner answers the code in the browser.
    pub async fn sign_in_and_decide(&self, platform: &DemoPlatform, decision: Decision) {
        self.machine.start_sign_in().unwrap();
        let code = self.code().await;
        assert!(
            platform.decide(&code, decision),
            "the platform knows the code shown"
        );
    }
}

pub fn keychain(session: Option<SavedSession>) -> Arc<FakeKeychain> {
    Arc::new(session.map(FakeKeychain::holding).unwrap_or_default())
}

/// Signs in with the core alone, as an earlier run of the app did.
pub async fn earlier_session(platform: &DemoPlatform) -> SavedSession {
    let client = DeviceFlowClient::new(
        Settings::check(&raw_settings(platform)).unwrap(),
        Network::default(),
    );
    let pending = client.start_sign_in().await.unwrap();
    assert!(platform.decide(&pending.authorization.user_code, Decision::Approved));
    let token = client
        .wait_for_token(&pending, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let binding = Binding::of(&client).await.unwrap();
    SavedSession::from_token(&token, binding, SystemTime::now())
}
