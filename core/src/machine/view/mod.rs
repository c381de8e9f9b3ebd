//! What the window shows, derived from the app's state in one direction: [`View::of`].
//! The types that cross to the window are in [`models`]; the code's own view, with its QR
//! code, in [`code`].

mod code;
#[cfg(test)]
mod contract;
pub mod models;
mod qr;

pub use models::{
    Action, CodeView, ErrorView, InUse, ProfileView, Screen, SetupView, Status, UpdateView, View,
};

use super::state::{Failure, Overlay, Phase, Retry, SettingsProblem, Stage, State, Step};
use crate::epoch;
use crate::settings::{check_url, Key, Layer, Merged};

impl View {
    /// What the window shows in `state`.
    pub fn of(state: &State) -> View {
        let mut view = screen(state);
        if let Some((update, actions)) = update(state, &view) {
            view.actions.extend(actions);
            view.update = Some(update);
        }
        view
    }
}

/// The screen, its tools and its buttons.
fn screen(state: &State) -> View {
    if state.keychain_waiting {
        return plain(Screen::WaitingForKeychain, vec![Action::SkipKeychain], None);
    }
    match state.overlay {
        Some(Overlay::About) => return covering(about(state)),
        Some(Overlay::Settings) => return covering(Screen::Setup(setup(state, false))),
        None => {}
    }
    let view = match &state.phase {
        Phase::Setup => plain(
            Screen::Setup(setup(state, true)),
            vec![Action::SaveSetup],
            None,
        ),
        Phase::Unusable(problem) => unusable(problem),
        Phase::Failed(failure) => failed(failure),
        Phase::Restoring(_) => plain(Screen::Restoring, vec![], None),
        Phase::SignedOut(notice) => plain(
            Screen::SignedOut { notice: *notice },
            vec![Action::StartSignIn],
            None,
        ),
        Phase::SigningIn(attempt) => match &attempt.step {
            Step::Asking => cancellable(Screen::Starting, vec![]),
            Step::Code { code, progress } => {
                let shown = code::view(code, Some(progress));
                let mut actions = vec![Action::CopyUserCode];
                if shown.trusted {
                    actions.insert(0, Action::OpenVerificationPage);
                }
                cancellable(Screen::CodeShown(shown), actions)
            }
            Step::Approved(code) => cancellable(Screen::CodeShown(code::view(code, None)), vec![]),
        },
        Phase::SignedIn(signed_in) => {
            let offline = signed_in.offline.as_ref();
            let mut actions = vec![Action::SignOut];
            if offline.is_some() {
                actions.insert(0, Action::Retry);
            }
            plain(
                Screen::SignedIn {
                    profile: ProfileView::from(&signed_in.session.profile),
                    platform: state.platform_label().unwrap_or_default(),
                    not_remembered: signed_in.not_remembered.map(Into::into),
                    remembered: signed_in.not_remembered.is_none(),
                    signed_in_since_ms: signed_in
                        .session
                        .session
                        .signed_in_at
                        .map(epoch::ms_of_secs),
                    offline_since_ms: offline.map(|o| epoch::ms_of_secs(o.read_at)),
                },
                actions,
                None,
            )
        }
        Phase::SigningOut(_) => plain(Screen::SigningOut, vec![], None),
    };
    View {
        tools: tools(state),
        ..view
    }
}

/// The line about updates: a download's progress wherever the learner is; the rest in the
/// calm views and in about.
fn update(state: &State, view: &View) -> Option<(UpdateView, Vec<Action>)> {
    let calm = state.phase.is_calm()
        && state.overlay != Some(Overlay::Settings)
        && view.screen != Screen::WaitingForKeychain;
    let version = |release: &crate::update::Release| release.version.to_string();
    if let Stage::Downloading {
        release,
        done,
        total,
    } = &state.updates.stage
    {
        let downloading = UpdateView::Downloading {
            version: version(release),
            done: *done,
            total: *total,
        };
        return Some((downloading, vec![]));
    }
    if !calm {
        return None;
    }
    if let Some(note) = &state.updates.note {
        let updated = UpdateView::Updated {
            version: note.version.clone(),
            notes: note.notes.clone(),
        };
        return Some((updated, vec![Action::DismissUpdate]));
    }
    match &state.updates.stage {
        Stage::Offered(release) => Some((
            UpdateView::Available {
                version: version(release),
            },
            vec![Action::UpdateNow],
        )),
        Stage::Managed(release) => Some((
            UpdateView::Managed {
                version: version(release),
            },
            vec![],
        )),
        Stage::Failed(message) => Some((
            UpdateView::Failed { message: *message },
            vec![Action::DismissUpdate],
        )),
        Stage::Ready { release, .. } => Some((
            UpdateView::Ready {
                version: version(release),
            },
            vec![],
        )),
        _ => None,
    }
}

fn plain(screen: Screen, actions: Vec<Action>, escape: Option<Action>) -> View {
    View {
        screen,
        tools: vec![],
        actions,
        covers: false,
        escape,
        update: None,
    }
}

/// A sign-in under way: Cancel, and Escape cancels too.
fn cancellable(screen: Screen, mut actions: Vec<Action>) -> View {
    actions.push(Action::CancelSignIn);
    plain(screen, actions, Some(Action::CancelSignIn))
}

/// Settings or about over the view below: Escape goes back to it.
fn covering(screen: Screen) -> View {
    let mut actions = vec![Action::CloseOverlay];
    if matches!(screen, Screen::Setup(_)) {
        actions.insert(0, Action::SaveSetup);
    }
    View {
        covers: true,
        ..plain(screen, actions, Some(Action::CloseOverlay))
    }
}

/// The header's tools: what may open over this view.
fn tools(state: &State) -> Vec<Action> {
    [
        (Overlay::Settings, Action::OpenSettings),
        (Overlay::About, Action::OpenAbout),
    ]
    .into_iter()
    .filter(|(overlay, _)| state.may_open(*overlay))
    .map(|(_, action)| action)
    .collect()
}

fn failed(failure: &Failure) -> View {
    let error = ErrorView {
        message: failure.message,
        detail: failure.detail.clone(),
        setting: None,
        reason: None,
        file: None,
        line: None,
    };
    // While a session is kept, there is no going back to "signed out": the learner tries
    // again or signs out.
    let (actions, escape) = match failure.retry {
        Retry::NewCode => (
            vec![
                Action::Retry,
                Action::CancelSignIn,
                Action::CopySupportDetails,
            ],
            Some(Action::CancelSignIn),
        ),
        Retry::Restore => (
            vec![Action::Retry, Action::SignOut, Action::CopySupportDetails],
            None,
        ),
    };
    plain(Screen::Error(error), actions, escape)
}

fn unusable(problem: &SettingsProblem) -> View {
    let error = ErrorView {
        message: problem.message,
        detail: problem.detail.clone(),
        setting: problem.setting,
        reason: problem.reason,
        file: problem.file.clone(),
        line: problem.line,
    };
    let mut actions = vec![Action::Retry];
    if problem.learner_can_fix {
        actions.push(Action::OpenSettings);
    }
    actions.push(Action::CopySupportDetails);
    plain(Screen::Error(error), actions, None)
}

fn about(state: &State) -> Screen {
    let merged = &state.config.merged;
    Screen::About {
        version: state.version.clone(),
        license: env!("CARGO_PKG_LICENSE"),
        platform: state.platform_label(),
        built_for: state.built_for.clone(),
        managed: in_use(merged)
            .filter(|setting| setting.from.is_schools() || setting.locked)
            .collect(),
    }
}

fn setup(state: &State, first_run: bool) -> SetupView {
    let merged = &state.config.merged;
    let platform = merged
        .raw
        .get(Key::AuthUrl)
        .and_then(|a| check_url(Key::AuthUrl, a).ok());
    // The learner's own client id, when their file is for the platform shown.
    let file = &state.config.file;
    let own_client_id = platform
        .as_ref()
        .is_none_or(|p| file.is_for(p, Some(p)))
        .then(|| file.get(Key::ClientId))
        .flatten();
    SetupView {
        first_run,
        auth_url: merged.raw.get(Key::AuthUrl).unwrap_or_default().to_owned(),
        client_id: own_client_id.unwrap_or_default().to_owned(),
        locked: Key::all().filter(|k| merged.is_locked(*k)).collect(),
        managed: merged.is_managed(),
        in_use: in_use(merged).collect(),
        saving: state.saving,
    }
}

/// Each setting that has a value, the value, and where it comes from.
fn in_use(merged: &Merged) -> impl Iterator<Item = InUse> + '_ {
    merged.raw.keys().map(|key| InUse {
        key,
        value: merged.raw.get(key).unwrap_or_default().to_owned(),
        from: merged.from.get(&key).copied().unwrap_or(Layer::File),
        locked: merged.is_locked(key),
    })
}
