//! The app's state and what each command does to it. Views are pushed to the window over
//! the channel it connected with; secrets stay here.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::desktop::Desktop;
use super::error::CommandError;
use super::qr::qr_data_uri;
use super::url_policy::may_open;
use super::view::{epoch_ms, group_user_code, CodeShown, ProfileView, Status, View};
use crate::flow::config::{self, ConfigError};
use crate::flow::{DeviceFlowClient, FlowError, PendingSignIn, RawSettings, Settings};
use crate::session::{self, Resumed, SessionStore, StoredSession, TokenStore};

/// Gives the token store for a platform (the keychain, or memory in tests).
pub type StoreFactory = Arc<dyn Fn(&Settings) -> Arc<dyn TokenStore> + Send + Sync>;

/// Cheap to clone: every clone is the same app state.
#[derive(Clone)]
pub struct Controller(Arc<Shared>);

struct Shared {
    desktop: Arc<dyn Desktop>,
    stores: StoreFactory,
    /// Flags and environment, which win over the settings file.
    cli: RawSettings,
    config_path: Option<PathBuf>,
    inner: Mutex<Inner>,
}

struct Inner {
    view: View,
    channel: Option<Channel<View>>,
    /// What the window shows now: a view equal to it is not sent again, so that a poll
    /// that changes nothing does not repaint the window.
    shown: Option<View>,
    platform: Option<Platform>,
    sign_in: Option<SignIn>,
    session: Option<Resumed>,
    /// What "Try again" does after an error.
    retry: Retry,
    /// The last error's kind, for "copy details".
    last_error: Option<&'static str>,
    /// The view to return to when settings or about are closed.
    behind: Option<View>,
    /// Bumped by every sign-in, restore or sign-out, so that a task that was overtaken
    /// cannot touch the view any more.
    generation: u64,
}

/// The configured platform: its client and where its session is kept.
#[derive(Clone)]
struct Platform {
    client: Arc<DeviceFlowClient>,
    store: SessionStore,
}

struct SignIn {
    cancel: CancellationToken,
    pending: Option<Arc<PendingSignIn>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    NewCode,
    Restore,
}

impl Controller {
    pub fn new(
        desktop: Arc<dyn Desktop>,
        stores: StoreFactory,
        cli: RawSettings,
        config_path: Option<PathBuf>,
    ) -> Self {
        let (platform, view) = match Settings::load(cli.clone(), config_path.as_deref()) {
            Ok(settings) => match platform_for(&stores, settings) {
                Ok(platform) => (Some(platform), View::Restoring),
                Err(e) => (None, error_view(&e)),
            },
            Err(e) => {
                if !e.is_not_configured() {
                    tracing::warn!(error = %e, "settings are not usable");
                }
                (None, setup_view(&cli, config_path.as_deref()))
            }
        };
        Controller(Arc::new(Shared {
            desktop,
            stores,
            cli,
            config_path,
            inner: Mutex::new(Inner {
                view,
                channel: None,
                shown: None,
                platform,
                sign_in: None,
                session: None,
                retry: Retry::NewCode,
                last_error: None,
                behind: None,
                generation: 0,
            }),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the window down with it.
        self.0.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Restores a stored session in the background; call once the window is showing, so
    /// that neither the keychain nor the network delays the first paint.
    pub fn start(&self) {
        let mut inner = self.lock();
        let Some(platform) = inner.platform.clone() else {
            return;
        };
        let generation = next_generation(&mut inner);
        set_view(&mut inner, View::Restoring);
        drop(inner);
        let this = self.clone();
        tauri::async_runtime::spawn(async move { this.restore(platform, generation).await });
    }

    async fn restore(self, platform: Platform, generation: u64) {
        let Some(tokens) = platform.store.load().await else {
            return self.update(generation, |inner| {
                inner.view = View::SignedOut { notice: None }
            });
        };
        match session::resume(&platform.client, &platform.store, tokens).await {
            Ok(resumed) => self.signed_in(generation, &platform, resumed),
            Err(FlowError::InvalidGrant) => {
                tracing::info!("the stored session has ended");
                platform.store.delete().await;
                self.update(generation, |inner| {
                    inner.view = View::SignedOut {
                        notice: Some("session_ended"),
                    }
                });
            }
            // Passing trouble: the stored session is kept for the next try.
            Err(e) => self.fail(generation, Retry::Restore, &e),
        }
    }

    /// The window connects once it has loaded; it gets the current view at once.
    pub fn connect(&self, channel: Channel<View>) -> View {
        let mut inner = self.lock();
        inner.channel = Some(channel);
        inner.shown = Some(inner.view.clone());
        inner.view.clone()
    }

    pub fn view(&self) -> View {
        self.lock().view.clone()
    }

    /// Starts a sign-in, unless one is already running.
    pub fn start_sign_in(&self) -> Result<(), CommandError> {
        let mut inner = self.lock();
        if inner.sign_in.is_some() {
            return Ok(());
        }
        let platform = inner.platform.clone().ok_or(CommandError::NotConfigured)?;
        let generation = next_generation(&mut inner);
        let cancel = CancellationToken::new();
        inner.sign_in = Some(SignIn {
            cancel: cancel.clone(),
            pending: None,
        });
        set_view(&mut inner, View::Starting);
        drop(inner);
        let this = self.clone();
        tauri::async_runtime::spawn(
            async move { this.run_sign_in(platform, cancel, generation).await },
        );
        Ok(())
    }

    async fn run_sign_in(self, platform: Platform, cancel: CancellationToken, generation: u64) {
        let client = &platform.client;
        let started = tokio::select! {
            _ = cancel.cancelled() => return,
            started = client.start_sign_in() => started,
        };
        let pending = match started {
            Ok(p) => Arc::new(p),
            Err(e) => return self.fail(generation, Retry::NewCode, &e),
        };
        let view = code_view(&pending, client.settings());
        self.update(generation, |inner| {
            if let Some(s) = inner.sign_in.as_mut() {
                s.pending = Some(pending.clone());
            }
            inner.view = view;
        });
        let token = client
            .wait_for_token(&pending, &cancel, |progress| {
                self.update(generation, |inner| {
                    set_status(inner, Status::from_progress(&progress, SystemTime::now()))
                });
            })
            .await;
        let token = match token {
            Ok(t) => t,
            Err(FlowError::Cancelled) => return,
            Err(e) => return self.fail(generation, Retry::NewCode, &e),
        };
        self.update(generation, |inner| set_status(inner, Status::Approved));
        let tokens = StoredSession::from_token(&token, SystemTime::now());
        platform.store.save(&tokens).await;
        match session::resume(client, &platform.store, tokens).await {
            Ok(resumed) => self.signed_in(generation, &platform, resumed),
            Err(e) => self.fail(generation, Retry::NewCode, &e),
        }
    }

    fn signed_in(&self, generation: u64, platform: &Platform, resumed: Resumed) {
        self.update(generation, |inner| {
            inner.view = View::SignedIn {
                profile: ProfileView::from(&resumed.profile),
                platform: platform_label(platform.client.settings()),
                remembered: platform.store.remembers(),
            };
            inner.session = Some(resumed);
            inner.sign_in = None;
        });
    }

    /// Applies `change` and pushes the view, if no later action has overtaken `generation`.
    fn update(&self, generation: u64, change: impl FnOnce(&mut Inner)) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        change(&mut inner);
        push(&mut inner);
    }

    fn fail(&self, generation: u64, retry: Retry, error: &FlowError) {
        tracing::warn!(kind = error.kind(), error = %error, "failed");
        self.update(generation, |inner| {
            inner.sign_in = None;
            inner.retry = retry;
            inner.last_error = Some(error.kind());
            inner.view = error_view(error);
        });
    }

    pub fn cancel_sign_in(&self) {
        let mut inner = self.lock();
        if let Some(s) = inner.sign_in.take() {
            s.cancel.cancel();
        }
        if matches!(
            inner.view,
            View::Starting | View::CodeShown(_) | View::Error { .. }
        ) {
            next_generation(&mut inner);
            set_view(&mut inner, View::SignedOut { notice: None });
        }
    }

    /// Drops the current code and asks for a new one.
    pub fn new_code(&self) -> Result<(), CommandError> {
        if let Some(s) = self.lock().sign_in.take() {
            s.cancel.cancel();
        }
        self.start_sign_in()
    }

    /// "Try again" after an error: a new code, or restoring the stored session again.
    pub fn retry(&self) -> Result<(), CommandError> {
        let retry = self.lock().retry;
        match retry {
            Retry::NewCode => self.new_code(),
            Retry::Restore => {
                self.lock().retry = Retry::NewCode;
                self.start();
                Ok(())
            }
        }
    }

    /// Back from an error to the sign-in view.
    pub fn back(&self) {
        self.cancel_sign_in();
    }

    fn pending(&self) -> Result<(Arc<PendingSignIn>, Arc<DeviceFlowClient>), CommandError> {
        let inner = self.lock();
        let pending = inner
            .sign_in
            .as_ref()
            .and_then(|s| s.pending.clone())
            .ok_or(CommandError::NoSignIn)?;
        let platform = inner.platform.as_ref().ok_or(CommandError::NotConfigured)?;
        Ok((pending, platform.client.clone()))
    }

    /// Opens the verification page the backend holds (never a URL from the window), after
    /// copying the code, as "Copy & Continue" does.
    pub fn open_verification_page(&self) -> Result<(), CommandError> {
        let (pending, client) = self.pending()?;
        let url = pending.verification_url();
        if !may_open(url, client.settings()) {
            tracing::warn!(%url, "refused to open the verification page");
            return Err(CommandError::UnsafeUrl);
        }
        if let Err(e) = self.0.desktop.copy_text(&pending.authorization.user_code) {
            tracing::info!(error = %e, "could not copy the code");
        }
        self.0.desktop.open_url(url).map_err(CommandError::Desktop)
    }

    pub fn copy_user_code(&self) -> Result<(), CommandError> {
        let (pending, _) = self.pending()?;
        self.0
            .desktop
            .copy_text(&pending.authorization.user_code)
            .map_err(CommandError::Desktop)
    }

    /// Ends the session: revokes the refresh token on the platform (RFC 7009), then
    /// deletes the stored session — and still signs out here, saying so, when the platform
    /// cannot be told.
    pub async fn sign_out(&self) {
        let (session, platform, generation) = {
            let mut inner = self.lock();
            let generation = next_generation(&mut inner);
            set_view(&mut inner, View::SigningOut);
            (inner.session.take(), inner.platform.clone(), generation)
        };
        let mut notice = "signed_out";
        if let Some(platform) = platform {
            let refresh = session.and_then(|s| s.tokens.refresh_token);
            if let Some(refresh) = refresh {
                if let Err(e) = platform.client.revoke(&refresh).await {
                    tracing::warn!(kind = e.kind(), error = %e, "revocation failed; signed out here only");
                    notice = "revocation_failed";
                }
            }
            platform.store.delete().await;
        }
        self.update(generation, |inner| {
            inner.view = View::SignedOut {
                notice: Some(notice),
            }
        });
    }

    /// Saves the platform chosen in the setup view, checked as the core checks settings.
    /// Moving to another platform (or client id) signs out of the old one first.
    pub async fn save_setup(
        &self,
        auth_url: String,
        client_id: String,
    ) -> Result<(), CommandError> {
        let path = self.0.config_path.clone().ok_or_else(|| {
            CommandError::Config(ConfigError::File {
                path: PathBuf::new(),
                reason: "this system has no configuration folder".into(),
            })
        })?;
        let mut file = config::read_file(&path).unwrap_or_default();
        file.auth_url = Some(auth_url.trim().to_owned());
        file.client_id = Some(client_id.trim().to_owned());
        // Check what was typed on its own first, so the error names the right field.
        Settings::from_raw(RawSettings {
            auth_url: file.auth_url.clone(),
            client_id: file.client_id.clone(),
            ..RawSettings::default()
        })?;
        // What the learner just chose wins over flags and environment for this run.
        let chosen = RawSettings {
            auth_url: file.auth_url.clone(),
            client_id: file.client_id.clone(),
            ..self.0.cli.clone()
        };
        let settings = Settings::from_raw(chosen.or(file.clone()))?;
        config::write_file(&path, &file)?;
        let old = self.lock().platform.clone();
        if old.as_ref().is_some_and(|old| {
            let current = old.client.settings();
            current.auth_url == settings.auth_url && current.client_id == settings.client_id
        }) {
            self.close_overlay();
            return Ok(());
        }
        let platform = platform_for(&self.0.stores, settings)
            .map_err(|e| CommandError::Desktop(e.to_string()))?;
        if old.is_some() && self.lock().session.is_some() {
            self.sign_out().await;
        }
        let mut inner = self.lock();
        if let Some(s) = inner.sign_in.take() {
            s.cancel.cancel();
        }
        inner.session = None;
        inner.behind = None;
        inner.platform = Some(platform);
        drop(inner);
        self.start();
        Ok(())
    }

    /// Shows the settings (platform address and client id) over the current view.
    pub fn open_settings(&self) {
        let mut inner = self.lock();
        let Some(platform) = &inner.platform else {
            return;
        };
        let settings = platform.client.settings();
        let view = View::Setup {
            auth_url: settings.auth_url.to_string(),
            client_id: settings.client_id.clone(),
            can_cancel: true,
        };
        cover(&mut inner, view);
    }

    /// Shows the version and licence over the current view.
    pub fn open_about(&self) {
        let mut inner = self.lock();
        let platform = inner
            .platform
            .as_ref()
            .map(|p| platform_label(p.client.settings()));
        cover(
            &mut inner,
            View::About {
                version: env!("CARGO_PKG_VERSION"),
                license: env!("CARGO_PKG_LICENSE"),
                platform,
            },
        );
    }

    /// Back from settings or about to what was there before.
    pub fn close_overlay(&self) {
        let mut inner = self.lock();
        if let Some(view) = inner.behind.take() {
            set_view(&mut inner, view);
        }
    }

    /// What support needs to help, for the clipboard: no secret in it.
    pub fn support_details(&self) -> String {
        let inner = self.lock();
        let platform = inner.platform.as_ref().map_or_else(
            || "not configured".to_owned(),
            |p| p.client.settings().auth_url.to_string(),
        );
        format!(
            "Passerelle {}\nOS: {} {}\nPlatform: {}\nError: {}\nTime: {}\n",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH,
            platform,
            inner.last_error.unwrap_or("none"),
            humantime::format_rfc3339_seconds(SystemTime::now()),
        )
    }

    pub fn copy_support_details(&self) -> Result<(), CommandError> {
        self.0
            .desktop
            .copy_text(&self.support_details())
            .map_err(CommandError::Desktop)
    }
}

fn platform_for(stores: &StoreFactory, settings: Settings) -> Result<Platform, FlowError> {
    let store = SessionStore::new(stores(&settings));
    Ok(Platform {
        client: Arc::new(DeviceFlowClient::new(settings)?),
        store,
    })
}

/// Shows settings or about over the current view, to go back to it on close.
fn cover(inner: &mut Inner, view: View) {
    match inner.view {
        // One overlay replaces another; what was behind stays behind.
        View::Setup { .. } | View::About { .. } => {}
        // Only calm views are covered: a running sign-in keeps its window.
        View::Starting | View::CodeShown(_) | View::SigningOut | View::Restoring => return,
        _ => inner.behind = Some(inner.view.clone()),
    }
    set_view(inner, view);
}

fn next_generation(inner: &mut Inner) -> u64 {
    inner.generation += 1;
    inner.generation
}

fn set_view(inner: &mut Inner, view: View) {
    inner.view = view;
    push(inner);
}

fn push(inner: &mut Inner) {
    let Some(channel) = &inner.channel else {
        return;
    };
    if inner.shown.as_ref() == Some(&inner.view) {
        return;
    }
    // The window may be reloading; it asks for the view again when it connects.
    let _ = channel.send(inner.view.clone());
    inner.shown = Some(inner.view.clone());
}

fn set_status(inner: &mut Inner, status: Status) {
    if let View::CodeShown(code) = &mut inner.view {
        code.status = status;
    }
}

fn code_view(pending: &PendingSignIn, settings: &Settings) -> View {
    let url = pending.verification_url();
    let a = &pending.authorization;
    View::CodeShown(CodeShown {
        user_code: a.user_code.clone(),
        user_code_display: group_user_code(&a.user_code),
        verification_uri: a.verification_uri.to_string(),
        qr_code: qr_data_uri(url.as_str()),
        expires_at_ms: epoch_ms(pending.expires_at),
        status: Status::Waiting,
        can_open: may_open(url, settings),
    })
}

fn error_view(error: &FlowError) -> View {
    View::Error {
        kind: error.kind(),
        message: error.to_string(),
    }
}

fn setup_view(cli: &RawSettings, path: Option<&std::path::Path>) -> View {
    let file = path
        .and_then(|p| config::read_file(p).ok())
        .unwrap_or_default();
    let raw = cli.clone().or(file);
    View::Setup {
        auth_url: raw.auth_url.unwrap_or_default(),
        client_id: raw.client_id.unwrap_or_default(),
        can_cancel: false,
    }
}

/// The platform as the learner knows it: its host (and port, when not the default).
pub fn platform_label(settings: &Settings) -> String {
    let url = &settings.auth_url;
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.to_string(),
    }
}
