//! The proxy settings of a Linux desktop: KDE's where KDE runs, else GNOME's, which other
//! desktops (Cinnamon, MATE, Budgie) share.

use super::{gnome, kde, Desktop};

/// This desktop's settings; `env` is the process's environment.
pub fn desktop(env: &dyn Fn(&str) -> Option<String>) -> Desktop {
    let kde = env("XDG_CURRENT_DESKTOP").is_some_and(|d| d.to_ascii_uppercase().contains("KDE"));
    if kde {
        // The system's folders, least important first, then the user's.
        let system = env("XDG_CONFIG_DIRS")
            .filter(|dirs| !dirs.is_empty())
            .unwrap_or_else(|| "/etc/xdg".into());
        let user = env("XDG_CONFIG_HOME")
            .filter(|d| d.starts_with('/'))
            .or_else(|| env("HOME").map(|home| format!("{home}/.config")));
        let folders = system.rsplit(':').map(str::to_owned).chain(user);
        let texts: Vec<String> = folders
            .filter(|dir| dir.starts_with('/'))
            .filter_map(|dir| std::fs::read_to_string(format!("{dir}/kioslaverc")).ok())
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        return kde::settings(&texts, env);
    }
    gnome::settings()
}
