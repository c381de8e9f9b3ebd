//! What the machine needs from the world around it, as two small traits: where views go
//! ([`Window`]), and the desktop ([`Desktop`]: the browser, the clipboard, and questions
//! asked outside the page). The Tauri shell implements them; tests record them.

use url::Url;

use super::view::View;
use crate::language::Language;
use crate::settings::UpdateKey;
use crate::update::install::Bundle;
use crate::update::Release;

/// Where views go: the page, over the channel it connected with.
pub trait Window: Send + Sync {
    fn show(&self, view: &View);
}

pub trait Desktop: Send + Sync {
    fn open_url(&self, url: &Url) -> Result<(), String>;
    fn copy_text(&self, text: &str) -> Result<(), String>;
    /// Asks the learner in a native dialog, which no script in the page can answer, and
    /// calls `answer` with their choice (false when the dialog could not be shown).
    fn confirm(&self, question: Question, answer: Box<dyn FnOnce(bool) + Send>);
}

/// Installs updates: Tauri's updater, in the shell.
pub trait Installer: Send + Sync {
    /// The release feed's entries this copy can install, best first (`linux-x86_64-deb`,
    /// then `linux-x86_64`).
    fn targets(&self) -> Vec<String>;
    /// The bundle this copy came in.
    fn bundle(&self) -> Bundle;
    /// Whether the running user could replace this copy's program themselves: its file and
    /// folder theirs to write, as the system says.
    fn replaceable(&self) -> bool;
    /// Whether the installer can read `release`'s manifest as it came (Tauri's updater
    /// reads it again, more strictly): checked before it is offered or downloaded.
    fn accepts(&self, release: &Release) -> bool;
    /// Installs the artifact of `release`, verified already with `key` (and verified again
    /// there).
    fn install(&self, release: &Release, bytes: &[u8], key: &UpdateKey) -> Result<(), String>;
    /// Starts the version just installed, and ends this one.
    fn restart(&self);
}

/// A question only the learner may answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Moving to another platform ends the session on this one.
    MoveToPlatform { from: String, to: String },
}

/// A question's words, in the learner's language (English or French).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub title: String,
    pub text: String,
    pub yes: String,
    pub no: String,
}

impl Question {
    /// The words in `language`.
    pub fn words(&self, language: Language) -> Words {
        match self {
            Question::MoveToPlatform { from, to } if language == Language::French => Words {
                title: "Changer de plateforme ?".into(),
                text: format!(
                    "Passerelle va quitter {from} pour {to}. Vous serez déconnecté de {from}."
                ),
                yes: format!("Utiliser {to}"),
                no: format!("Rester sur {from}"),
            },
            Question::MoveToPlatform { from, to } => Words {
                title: "Change platform?".into(),
                text: format!(
                    "Passerelle will move from {from} to {to}. You will be signed out of {from}."
                ),
                yes: format!("Use {to}"),
                no: format!("Stay on {from}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_in_english_and_french_name_both_platforms() {
        let q = Question::MoveToPlatform {
            from: "old.example".into(),
            to: "new.example".into(),
        };
        for language in [Language::English, Language::French] {
            let w = q.words(language);
            assert!(w.text.contains("old.example") && w.text.contains("new.example"));
            assert!(w.yes.contains("new.example") && w.no.contains("old.example"));
        }
        assert_eq!(q.words(Language::French).title, "Changer de plateforme ?");
        assert_eq!(q.words(Language::English).title, "Change platform?");
    }
}
