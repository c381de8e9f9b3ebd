//! The platform in use: chosen from the settings read at start or saved from the setup
//! form, and served while it is in use (its keychain's waits, the idle time). Moving to
//! another platform ends the old one's session, whatever the learner was doing, and only
//! once the learner confirmed it outside the page.

use std::path::Path;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::error::CommandError;
use super::message::Message;
use super::ports::Question;
use super::sign_out::{end_session, Ending};
use super::startup::Startup;
use super::state::{Config, Overlay, Phase, Platform, SettingsProblem, State};
use super::Machine;
use crate::flow::DeviceFlowClient;
use crate::settings::{
    check_url, label_of, policy, read_file, write_file, ConfigError, Key, Layer, Merged, Policies,
    RawSettings, SchoolFile, Settings,
};

/// Reads every layer. A settings file that cannot be read is named, with its line, and
/// left as it is; so is a policy that cannot be used.
fn load(startup: &Startup) -> (Phase, Option<Platform>, Config) {
    let (policies, school) = match startup.read_school() {
        Ok(read) => read,
        Err(e) => {
            let message = match e {
                ConfigError::Untrusted { .. } => Message::ManagedFileUntrusted,
                ConfigError::Policy { .. } => Message::PolicyBroken,
                _ => Message::ManagedFileBroken,
            };
            return unusable(file_problem(message, &e, false));
        }
    };
    let file = match startup.config_file.as_deref().map(read_file).transpose() {
        Ok(file) => file.unwrap_or_default(),
        Err(e) => return unusable(file_problem(Message::SettingsFileBroken, &e, true)),
    };
    let config = config(startup, policies, school, file);
    match config.merged.settings() {
        Ok(settings) => (
            Phase::SignedOut(None),
            Some(platform_for(startup, settings)),
            config,
        ),
        Err(e) if e.is_not_configured() => (Phase::Setup, None, config),
        Err(e) => {
            let problem = setting_problem(&e, &config.merged, &startup.school_file);
            (Phase::Unusable(problem), None, config)
        }
    }
}

fn unusable(problem: SettingsProblem) -> (Phase, Option<Platform>, Config) {
    (Phase::Unusable(problem), None, Config::default())
}

fn config(startup: &Startup, policies: Policies, school: SchoolFile, file: RawSettings) -> Config {
    Config {
        merged: startup.sources(policies, school, file.clone()).merge(),
        file,
    }
}

fn platform_for(startup: &Startup, settings: Settings) -> Platform {
    Platform {
        keeper: (startup.keepers)(&settings),
        client: Arc::new(DeviceFlowClient::new(settings, startup.network.clone())),
        ended: CancellationToken::new(),
    }
}

fn file_problem(message: Message, e: &ConfigError, learner_can_fix: bool) -> SettingsProblem {
    let (file, line) = match e {
        ConfigError::File { path, line, .. } => (Some(path.display().to_string()), *line),
        ConfigError::Untrusted { path, .. } => (Some(path.display().to_string()), None),
        ConfigError::Policy { policy, .. } => (Some(policy.clone()), None),
        _ => (None, None),
    };
    SettingsProblem {
        message,
        detail: e.to_string(),
        setting: None,
        reason: None,
        file,
        line,
        learner_can_fix,
    }
}

/// A value in force that cannot be used. One the school set is named where it was set (the
/// policy, its file), and Settings is offered only where a value of the learner's would win.
fn setting_problem(e: &ConfigError, merged: &Merged, school_file: &Path) -> SettingsProblem {
    let (setting, reason) = match e {
        ConfigError::Missing(key) => (Some(*key), None),
        ConfigError::Invalid { key, reason } => (Some(*key), Some(*reason)),
        ConfigError::File { .. } | ConfigError::Untrusted { .. } | ConfigError::Policy { .. } => {
            (None, None)
        }
    };
    let from = setting.and_then(|key| Some((key, *merged.from.get(&key)?)));
    let (message, file) = match from {
        Some((key, layer @ (Layer::MachinePolicy | Layer::UserPolicy))) => (
            Message::PolicyBroken,
            Some(policy::name(layer == Layer::MachinePolicy, key)),
        ),
        Some((_, Layer::School)) => (
            Message::ManagedFileBroken,
            Some(school_file.display().to_string()),
        ),
        _ => (Message::InvalidSetting, None),
    };
    SettingsProblem {
        setting,
        reason,
        file,
        ..file_problem(
            message,
            e,
            !setting.is_some_and(|key| merged.is_locked(key)),
        )
    }
}

impl Machine {
    /// The state the app starts in, from every settings layer.
    pub(super) fn initial_state(startup: &Startup) -> State {
        let (phase, platform, config) = load(startup);
        let mut state = State::new(phase, platform, config, startup.built_for.clone());
        state.version = startup.version.clone();
        state.last_use = (startup.clock)();
        state.updates.note = Self::read_note(startup, state.config.merged.updates().ok());
        state
    }

    /// Tells the window while the platform's keychain keeps it waiting (an unlock prompt):
    /// its keeper reports it, for as long as the platform is in use. And, when the settings
    /// ask for it, ends the session after an idle time.
    pub(super) fn serve_platform(&self) {
        let Some(platform) = self.lock().platform.clone() else {
            return;
        };
        let (machine, ended) = (self.weak(), platform.ended.clone());
        platform.keeper.on_waiting(move |waiting| {
            if let Some(shared) = machine.upgrade() {
                // Under the state's lock: a platform replaced meanwhile is ended already.
                Machine(shared).apply(|state| {
                    if !ended.is_cancelled() {
                        state.keychain_waiting = waiting;
                    }
                });
            }
        });
        if let Some(idle) = platform.settings().sign_out_when_idle {
            let this = self.clone();
            self.spawn(async move { this.sign_out_when_idle(platform, idle).await });
        }
    }

    /// The way out of "Waiting for the keychain…": go on without it for this run.
    pub fn skip_keychain(&self) {
        let state = self.lock();
        if let Some(platform) = state.platform.as_ref().filter(|_| state.keychain_waiting) {
            platform.keeper.skip_keychain();
        }
    }

    /// "Try again" on a settings problem: read every file again.
    pub(super) fn reload_settings(&self) {
        let (phase, platform, config) = load(&self.0.startup);
        let configured = platform.is_some();
        self.apply(|state| {
            state.phase = phase;
            state.replace_platform(platform);
            state.config = config;
        });
        if configured {
            self.serve_platform();
            self.restore_session();
        }
    }

    /// Shows the settings over the current view: from a calm view, and from a settings
    /// problem only when the learner's own file is what Settings replaces.
    pub fn open_settings(&self) {
        self.apply(|state| {
            if state.may_open(Overlay::Settings) {
                state.overlay = Some(Overlay::Settings);
            }
        });
    }

    /// Saves the platform chosen in the setup form, checked as every setting is. Accepted
    /// only while that form is open, one save at a time. Another platform is used only once
    /// the learner confirmed it in a native dialog; the old one's session ends first.
    pub async fn save_setup(
        &self,
        auth_url: String,
        client_id: String,
    ) -> Result<(), CommandError> {
        let Ok(_one_at_a_time) = self.0.saving.try_lock() else {
            return Err(CommandError::NotNow);
        };
        self.apply(|state| state.saving = true);
        let saved = self.save(auth_url, client_id).await;
        self.apply(|state| state.saving = false);
        saved
    }

    async fn save(&self, auth_url: String, client_id: String) -> Result<(), CommandError> {
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
        let startup = &self.0.startup;
        let path = startup.config_file.clone().ok_or_else(|| {
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
        // Never without the school's locks: a policy or a machine-wide file that cannot be
        // read now refuses the save.
        let (policies, school) = startup.read_school()?;
        // A file that does not parse is replaced: `write_file` keeps it as a backup.
        let mut file = read_file(&path).unwrap_or_default();
        file.choose_platform(&chosen, current.as_ref(), client_id);
        let config = config(startup, policies, school, file.clone());
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
        if let Some(current) = current.filter(|c| *c != chosen) {
            let question = Question::MoveToPlatform {
                from: label_of(&current),
                to: settings.platform_label(),
            };
            if !self.confirm(question).await {
                return Err(CommandError::NotConfirmed);
            }
        }
        write_file(&path, &file).map_err(CommandError::SaveFailed)?;
        self.use_settings(settings, config).await;
        Ok(())
    }

    /// The learner's answer to `question`, asked outside the page.
    async fn confirm(&self, question: Question) -> bool {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.0.desktop.confirm(
            question,
            Box::new(move |yes| {
                let _ = answer.send(yes);
            }),
        );
        answered.await.unwrap_or(false)
    }

    async fn use_settings(&self, settings: Settings, config: Config) {
        let same = self
            .lock()
            .platform
            .as_ref()
            .is_some_and(|p| *p.settings() == settings);
        if same {
            self.apply(|state| {
                state.config = config;
                state.overlay = None;
            });
            return;
        }
        let platform = platform_for(&self.0.startup, settings);
        // Leave the old platform first, whatever was going on there: a sign-in is
        // cancelled, and the session it kept, or any it had, ends here and there.
        if let Some((old, _, held)) = self.begin_sign_out(Ending::WhateverIsKept) {
            end_session(&old, held).await;
        }
        self.apply(|state| {
            state.config = config;
            state.replace_platform(Some(platform));
            state.phase = Phase::SignedOut(None);
            state.overlay = None;
        });
        self.serve_platform();
        self.restore_session();
    }
}
