//! The proxy settings of a Linux desktop: KDE's where KDE runs, else GNOME's, which other
//! desktops (Cinnamon, MATE, Budgie) share.

use super::{gnome, kde, Desktop};

/// This desktop's settings; `env` is the process's environment.
pub fn desktop(env: &dyn Fn(&str) -> Option<String>) -> Desktop {
    let kde = env("XDG_CURRENT_DESKTOP").is_some_and(|d| d.to_ascii_uppercase().contains("KDE"));
    if kde {
        let config = env("XDG_CONFIG_HOME")
            .filter(|d| d.starts_with('/'))
            .or_else(|| env("HOME").map(|home| format!("{home}/.config")));
        let text = config.and_then(|dir| std::fs::read_to_string(format!("{dir}/kioslaverc")).ok());
        return text.map(|t| kde::settings(&t, env)).unwrap_or_default();
    }
    gnome::settings()
}
