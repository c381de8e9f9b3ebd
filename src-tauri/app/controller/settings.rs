//! Choosing the platform: the settings read at start, and the setup form's save.

use std::sync::Arc;

use passerelle_core::flow::DeviceFlowClient;
use passerelle_core::session;
use passerelle_core::settings::{
    check_url, read_file, write_file, ConfigError, Key, Managed, RawSettings, Settings, Sources,
};

use super::super::error::CommandError;
use super::super::launch::Launch;
use super::super::state::{Config, Overlay, Phase, Platform, State};
use super::super::view::ErrorView;
use super::super::words::Kind;
use super::Controller;
use crate::distribution;

/// The state the app starts in, from every settings layer.
pub(super) fn initial_state(launch: &Launch) -> State {
    let (phase, platform, config) = load(launch);
    State::new(phase, platform, config, distribution::built_for())
}

/// Reads every layer. A settings file that cannot be read is named, with its line, and
/// left as it is.
fn load(launch: &Launch) -> (Phase, Option<Platform>, Config) {
    let managed = match Managed::read(&launch.managed_file) {
        Ok(managed) => managed,
        Err(e) => return broken(file_error(Kind::ManagedFileBroken, &e, false)),
    };
    let file = match launch.config_file.as_deref().map(read_file).transpose() {
        Ok(file) => file.unwrap_or_default(),
        Err(e) => return broken(file_error(Kind::SettingsFileBroken, &e, true)),
    };
    let config = config(launch, managed, file);
    match config.merged.settings() {
        Ok(settings) => (
            Phase::SignedOut(None),
            Some(platform_for(launch, settings)),
            config,
        ),
        Err(e) if e.is_not_configured() => (Phase::Setup, None, config),
        Err(e) => (Phase::Broken(setting_error(&e)), None, config),
    }
}

fn broken(error: ErrorView) -> (Phase, Option<Platform>, Config) {
    (Phase::Broken(error), None, Config::default())
}

/// Settings that cannot be used: there is no sign-in view to go back to.
fn settings_error(kind: Kind, detail: String) -> ErrorView {
    ErrorView {
        can_go_back: false,
        ..ErrorView::new(kind, detail)
    }
}

fn config(launch: &Launch, managed: Managed, file: RawSettings) -> Config {
    let sources = Sources {
        build: launch.build.clone(),
        managed,
        file: file.clone(),
        env: launch.env.clone(),
        flags: launch.flags.clone(),
    };
    Config {
        merged: sources.merge(),
        file,
    }
}

fn platform_for(launch: &Launch, settings: Settings) -> Platform {
    Platform {
        store: (launch.stores)(&settings),
        client: Arc::new(DeviceFlowClient::new(settings)),
    }
}

fn file_error(kind: Kind, e: &ConfigError, can_open_settings: bool) -> ErrorView {
    let mut error = settings_error(kind, e.to_string());
    if let ConfigError::File { path, line, .. } = e {
        error.file = Some(path.display().to_string());
        error.line = *line;
    }
    error.can_open_settings = can_open_settings;
    error
}

fn setting_error(e: &ConfigError) -> ErrorView {
    let mut error = settings_error(Kind::InvalidSetting, e.to_string());
    if let ConfigError::Missing(key) | ConfigError::Invalid { key, .. } = e {
        error.setting = Some(*key);
    }
    if let ConfigError::Invalid { reason, .. } = e {
        error.reason = Some(*reason);
    }
    error.can_open_settings = true;
    error
}

impl Controller {
    /// "Try again" on a settings error: read every file again.
    pub(super) fn reload_settings(&self) {
        let (phase, platform, config) = load(&self.0.launch);
        let configured = platform.is_some();
        self.change(|state| {
            state.phase = phase;
            state.platform = platform;
            state.config = config;
        });
        if configured {
            self.watch_keychain();
            self.start();
        }
    }

    /// Shows the settings over the current view: from a calm view, and from a settings
    /// error only when the learner's own file is what Settings replaces.
    pub fn open_settings(&self) {
        self.change(|state| {
            let allowed = match &state.phase {
                Phase::Setup => false,
                Phase::Broken(error) => error.can_open_settings,
                phase => phase.is_calm(),
            };
            if allowed {
                state.overlay = Some(Overlay::Settings);
            }
        });
    }

    /// Saves the platform chosen in the setup form, checked as every setting is. Accepted
    /// only while that form is open. Another platform signs out of the old one first.
    pub async fn save_setup(
        &self,
        auth_url: String,
        client_id: String,
    ) -> Result<(), CommandError> {
        let (current, locks) = {
            let state = self.lock();
            let form_open = state.overlay == Some(Overlay::Settings)
                || (state.overlay.is_none() && matches!(state.phase, Phase::Setup));
            if !form_open {
                return Err(CommandError::NotNow);
            }
            let current = state
                .platform
                .as_ref()
                .map(|p| p.settings().auth_url.clone());
            (current, state.config.merged.clone())
        };
        let path = self.0.launch.config_file.clone().ok_or_else(|| {
            CommandError::SaveFailed(ConfigError::file(
                std::path::Path::new(""),
                None,
                "this system has no settings folder",
            ))
        })?;
        let chosen = check_url(Key::AuthUrl, &auth_url)?;
        let client_id = Some(client_id.trim()).filter(|id| !id.is_empty());
        if client_id.is_some() && locks.is_locked(Key::ClientId) {
            return Err(CommandError::Locked(Key::ClientId));
        }
        // Never without the school's locks: a machine-wide file that cannot be read now
        // refuses the save.
        let managed = Managed::read(&self.0.launch.managed_file)?;
        // A file that does not parse is replaced: `write_file` keeps it as a backup.
        let mut file = read_file(&path).unwrap_or_default();
        file.choose_platform(&chosen, current.as_ref(), client_id);
        let config = config(&self.0.launch, managed, file.clone());
        let settings = match config.merged.settings() {
            Ok(settings) => settings,
            Err(ConfigError::Missing(Key::ClientId)) => return Err(CommandError::ClientIdNeeded),
            Err(e) => return Err(e.into()),
        };
        // A lock, a flag or an environment variable outranks the learner's file: say so
        // rather than save a choice that would not be used.
        if settings.auth_url != chosen {
            return Err(CommandError::Locked(Key::AuthUrl));
        }
        write_file(&path, &file).map_err(CommandError::SaveFailed)?;
        self.use_settings(settings, config).await
    }

    async fn use_settings(&self, settings: Settings, config: Config) -> Result<(), CommandError> {
        let same = self
            .lock()
            .platform
            .as_ref()
            .is_some_and(|p| *p.settings() == settings);
        if same {
            self.change(|state| {
                state.config = config;
                state.overlay = None;
            });
            return Ok(());
        }
        let platform = platform_for(&self.0.launch, settings);
        // Leave the old platform first: its session ends, here and there.
        if let Some((old, _, tokens)) = self.change(State::begin_sign_out) {
            session::end(&old.client, &old.store, &tokens).await;
        }
        self.change(|state| {
            state.config = config;
            state.platform = Some(platform);
            state.phase = Phase::SignedOut(None);
            state.overlay = None;
        });
        self.watch_keychain();
        self.start();
        Ok(())
    }
}
