//! The app's state and what each command does to it. Views are pushed to the window over
//! the channel it connected with; secrets stay here.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::UNIX_EPOCH;

use tauri::ipc::Channel;
use tokio_util::sync::CancellationToken;

use super::desktop::Desktop;
use super::error::CommandError;
use super::qr::qr_data_uri;
use super::url_policy::may_open;
use super::view::{group_user_code, CodeShown, ProfileView, Status, View};
use crate::flow::config::{self, ConfigError};
use crate::flow::{
    DeviceFlowClient, FlowError, PendingSignIn, Profile, RawSettings, Settings, TokenResponse,
};

/// Cheap to clone: every clone is the same app state.
#[derive(Clone)]
pub struct Controller(Arc<Shared>);

struct Shared {
    desktop: Arc<dyn Desktop>,
    /// Flags and environment, which win over the settings file.
    cli: RawSettings,
    config_path: Option<PathBuf>,
    inner: Mutex<Inner>,
}

struct Inner {
    view: View,
    channel: Option<Channel<View>>,
    client: Option<Arc<DeviceFlowClient>>,
    sign_in: Option<SignIn>,
    session: Option<Session>,
    /// Bumped at every new sign-in, so that a cancelled one cannot touch the view.
    generation: u64,
}

struct SignIn {
    generation: u64,
    cancel: CancellationToken,
    pending: Option<Arc<PendingSignIn>>,
}

struct Session {
    tokens: TokenResponse,
    #[allow(dead_code)]
    profile: Profile,
}

impl Controller {
    pub fn new(desktop: Arc<dyn Desktop>, cli: RawSettings, config_path: Option<PathBuf>) -> Self {
        let (client, view) = match Settings::load(cli.clone(), config_path.as_deref()) {
            Ok(settings) => match DeviceFlowClient::new(settings) {
                Ok(client) => (Some(Arc::new(client)), View::SignedOut { notice: None }),
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
            cli,
            config_path,
            inner: Mutex::new(Inner {
                view,
                channel: None,
                client,
                sign_in: None,
                session: None,
                generation: 0,
            }),
        }))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the window down with it.
        self.0.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The window connects once it has loaded; it gets the current view at once.
    pub fn connect(&self, channel: Channel<View>) -> View {
        let mut inner = self.lock();
        inner.channel = Some(channel);
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
        let client = inner.client.clone().ok_or(CommandError::NotConfigured)?;
        inner.generation += 1;
        let generation = inner.generation;
        let cancel = CancellationToken::new();
        inner.sign_in = Some(SignIn {
            generation,
            cancel: cancel.clone(),
            pending: None,
        });
        set_view(&mut inner, View::Starting);
        drop(inner);
        let this = self.clone();
        tauri::async_runtime::spawn(
            async move { this.run_sign_in(client, cancel, generation).await },
        );
        Ok(())
    }

    async fn run_sign_in(
        self,
        client: Arc<DeviceFlowClient>,
        cancel: CancellationToken,
        generation: u64,
    ) {
        let started = tokio::select! {
            _ = cancel.cancelled() => return,
            started = client.start_sign_in() => started,
        };
        let pending = match started {
            Ok(p) => Arc::new(p),
            Err(e) => return self.fail(generation, &e),
        };
        let url = pending.verification_url().clone();
        let view = View::CodeShown(CodeShown {
            user_code: pending.authorization.user_code.clone(),
            user_code_display: group_user_code(&pending.authorization.user_code),
            verification_uri: pending.authorization.verification_uri.to_string(),
            qr_code: qr_data_uri(url.as_str()),
            expires_at_ms: pending
                .expires_at
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            status: Status::Waiting {
                next_poll_in_secs: pending.authorization.interval.as_secs(),
            },
            can_open: may_open(&url, client.settings()),
        });
        self.update(generation, |inner| {
            if let Some(s) = inner.sign_in.as_mut() {
                s.pending = Some(pending.clone());
            }
            inner.view = view;
        });
        let token = client
            .wait_for_token(&pending, &cancel, |progress| {
                self.update(generation, |inner| {
                    set_status(inner, Status::from(&progress))
                });
            })
            .await;
        let token = match token {
            Ok(t) => t,
            Err(FlowError::Cancelled) => return,
            Err(e) => return self.fail(generation, &e),
        };
        self.update(generation, |inner| set_status(inner, Status::Approved));
        match client.fetch_profile(&token.access_token).await {
            Ok(profile) => self.update(generation, |inner| {
                inner.view = View::SignedIn {
                    profile: ProfileView::from(&profile),
                    platform: platform_label(client.settings()),
                };
                inner.session = Some(Session {
                    tokens: token,
                    profile,
                });
                inner.sign_in = None;
            }),
            Err(e) => self.fail(generation, &e),
        }
    }

    /// Applies `change` and pushes the view, if the sign-in `generation` is still current.
    fn update(&self, generation: u64, change: impl FnOnce(&mut Inner)) {
        let mut inner = self.lock();
        if inner.sign_in.as_ref().map(|s| s.generation) != Some(generation) {
            return;
        }
        change(&mut inner);
        push(&inner);
    }

    fn fail(&self, generation: u64, error: &FlowError) {
        tracing::warn!(kind = error.kind(), error = %error, "sign-in failed");
        self.update(generation, |inner| {
            inner.sign_in = None;
            inner.view = error_view(error);
        });
    }

    pub fn cancel_sign_in(&self) {
        let mut inner = self.lock();
        if let Some(s) = inner.sign_in.take() {
            s.cancel.cancel();
        }
        if !matches!(inner.view, View::SignedIn { .. } | View::Setup { .. }) {
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
        let client = inner.client.clone().ok_or(CommandError::NotConfigured)?;
        Ok((pending, client))
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

    /// Ends the session: revokes the refresh token on the platform (in the background) and
    /// forgets the tokens here whatever the platform says.
    pub fn sign_out(&self) {
        let mut inner = self.lock();
        let session = inner.session.take();
        let client = inner.client.clone();
        set_view(
            &mut inner,
            View::SignedOut {
                notice: Some("signed_out"),
            },
        );
        drop(inner);
        let (Some(session), Some(client)) = (session, client) else {
            return;
        };
        let Some(refresh) = session.tokens.refresh_token.clone() else {
            return;
        };
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = client.revoke(&refresh).await {
                tracing::warn!(kind = e.kind(), error = %e, "revocation failed; signed out here only");
                let mut inner = this.lock();
                if matches!(inner.view, View::SignedOut { .. }) {
                    set_view(
                        &mut inner,
                        View::SignedOut {
                            notice: Some("revocation_failed"),
                        },
                    );
                }
            }
        });
    }

    /// Saves the platform chosen in the setup view, checked as the core checks settings.
    pub fn save_setup(&self, auth_url: String, client_id: String) -> Result<(), CommandError> {
        let path = self.0.config_path.clone();
        let mut file = match &path {
            Some(p) => config::read_file(p).unwrap_or_default(),
            None => RawSettings::default(),
        };
        file.auth_url = Some(auth_url.trim().to_owned());
        file.client_id = Some(client_id.trim().to_owned());
        // Check what was typed on its own first, so the error names the right field.
        Settings::from_raw(RawSettings {
            auth_url: file.auth_url.clone(),
            client_id: file.client_id.clone(),
            ..RawSettings::default()
        })?;
        let settings = Settings::from_raw(self.0.cli.clone().or(file.clone()))?;
        let path = path.ok_or_else(|| {
            CommandError::Config(ConfigError::File {
                path: PathBuf::new(),
                reason: "this system has no configuration folder".into(),
            })
        })?;
        config::write_file(&path, &file)?;
        let client =
            DeviceFlowClient::new(settings).map_err(|e| CommandError::Desktop(e.to_string()))?;
        let mut inner = self.lock();
        if let Some(s) = inner.sign_in.take() {
            s.cancel.cancel();
        }
        inner.session = None;
        inner.client = Some(Arc::new(client));
        set_view(&mut inner, View::SignedOut { notice: None });
        Ok(())
    }
}

fn set_view(inner: &mut Inner, view: View) {
    inner.view = view;
    push(inner);
}

fn push(inner: &Inner) {
    if let Some(channel) = &inner.channel {
        // The window may be reloading; it asks for the view again when it connects.
        let _ = channel.send(inner.view.clone());
    }
}

fn set_status(inner: &mut Inner, status: Status) {
    if let View::CodeShown(code) = &mut inner.view {
        code.status = status;
    }
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
