//! What the trust check decides of the school's file and its folder.

/// Whether a file (or its folder) is the school's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The system's, and only the system may change it: used.
    System,
    /// An ordinary user's — on Windows any user may create folders in `%ProgramData%`: a
    /// learner may have planted it. Not used, and the app goes on without it, saying so in
    /// its log and in `--show-settings`, so that one learner cannot stop the app for every
    /// other one.
    Planted(String),
    /// The system's, but others may change it: the school placed it with the wrong
    /// permissions. Not used, and the app does not start on it, so that the school finds
    /// out.
    Exposed(String),
}

impl Verdict {
    /// The verdict on a file in a folder: planted if either is, exposed if either is.
    pub fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (planted @ Verdict::Planted(_), _) | (_, planted @ Verdict::Planted(_)) => planted,
            (exposed @ Verdict::Exposed(_), _) | (_, exposed @ Verdict::Exposed(_)) => exposed,
            _ => Verdict::System,
        }
    }
}
