//! Where Passerelle's files are on each system: the learner's settings, the machine-wide
//! settings a school installs, and the logs. One function for every system, so that each
//! system's rules are tested on any of them. The learner's folders are named after the
//! app's identifier, as Tauri names its own (the window's state), so that each system has
//! one folder of Passerelle's per kind.

use std::path::PathBuf;

use crate::APP_ID;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux and the other Unix desktops (XDG folders).
    Linux,
    MacOs,
    Windows,
}

impl Os {
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The learner's settings (`PASSERELLE_CONFIG` names another file); none when the
    /// system gives no home folder.
    pub config_file: Option<PathBuf>,
    /// The settings a school installs for every learner of the computer.
    pub school_file: PathBuf,
    pub log_dir: Option<PathBuf>,
    /// Where the note "Updated to X" waits for the restart after an update.
    pub update_note: Option<PathBuf>,
}

/// The note's file name, in the app's data folder.
const NOTE: &str = "updated.json";

impl Paths {
    /// The paths on `os`, with its environment read through `env`. `program_data` is
    /// Windows' machine-wide data folder as the system itself reports it: never from the
    /// environment, which a learner controls, since the school's locks are read from it.
    pub fn of(os: Os, env: impl Fn(&str) -> Option<String>, program_data: Option<String>) -> Paths {
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        let sep = if os == Os::Windows { '\\' } else { '/' };
        let join = |base: String, parts: &[&str]| {
            let mut path = base.trim_end_matches(sep).to_owned();
            for part in parts {
                path.push(sep);
                path.push_str(part);
            }
            PathBuf::from(path)
        };
        let home = var("HOME");
        // XDG base directories count only when absolute, as the specification says.
        let xdg = |name: &str, fallback: &str| {
            var(name).filter(|dir| dir.starts_with('/')).or_else(|| {
                home.clone()
                    .map(|h| format!("{}/{fallback}", h.trim_end_matches('/')))
            })
        };
        // The folder that holds the learner's settings folders, then the machine-wide file,
        // the logs and the note an update leaves.
        let (config_base, school_file, log_dir, update_note) = match os {
            Os::Linux => (
                xdg("XDG_CONFIG_HOME", ".config"),
                PathBuf::from("/etc/passerelle/config.toml"),
                xdg("XDG_DATA_HOME", ".local/share").map(|d| join(d, &[APP_ID, "logs"])),
                xdg("XDG_DATA_HOME", ".local/share").map(|d| join(d, &[APP_ID, NOTE])),
            ),
            Os::MacOs => (
                home.clone().map(|h| {
                    join(h, &["Library", "Application Support"])
                        .to_string_lossy()
                        .into_owned()
                }),
                PathBuf::from("/Library/Application Support/Passerelle/config.toml"),
                home.clone().map(|h| join(h, &["Library", "Logs", APP_ID])),
                home.clone()
                    .map(|h| join(h, &["Library", "Application Support", APP_ID, NOTE])),
            ),
            Os::Windows => (
                var("APPDATA"),
                join(
                    program_data.unwrap_or_else(|| r"C:\ProgramData".into()),
                    &["Passerelle", "config.toml"],
                ),
                var("LOCALAPPDATA").map(|d| join(d, &[APP_ID, "logs"])),
                var("LOCALAPPDATA").map(|d| join(d, &[APP_ID, NOTE])),
            ),
        };
        let in_base = |folder: &str| config_base.map(|base| join(base, &[folder, "config.toml"]));
        let named = var("PASSERELLE_CONFIG").map(PathBuf::from);
        Paths {
            config_file: named.or_else(|| in_base(APP_ID)),
            school_file,
            log_dir,
            update_note,
        }
    }

    /// The paths on this system.
    pub fn current() -> Paths {
        Self::of(
            Os::current(),
            |name| std::env::var(name).ok(),
            program_data(),
        )
    }
}

/// `FOLDERID_ProgramData`, from the system.
#[cfg(windows)]
fn program_data() -> Option<String> {
    known_folders::get_known_folder_path(known_folders::KnownFolder::ProgramData)
        .map(|p| p.to_string_lossy().into_owned())
}

#[cfg(not(windows))]
fn program_data() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn strings(p: &Paths) -> (Option<String>, String, Option<String>) {
        let s = |p: &PathBuf| p.to_string_lossy().into_owned();
        (
            p.config_file.as_ref().map(s),
            s(&p.school_file),
            p.log_dir.as_ref().map(s),
        )
    }

    /// The table of paths in docs/platforms.md, system by system.
    #[test]
    fn each_system_has_its_folders() {
        let linux = Paths::of(Os::Linux, env(&[("HOME", "/home/ada")]), None);
        assert_eq!(
            strings(&linux),
            (
                Some("/home/ada/.config/fr.passerelle.desktop/config.toml".into()),
                "/etc/passerelle/config.toml".into(),
                Some("/home/ada/.local/share/fr.passerelle.desktop/logs".into()),
            )
        );
        let xdg = Paths::of(
            Os::Linux,
            env(&[
                ("HOME", "/home/ada"),
                ("XDG_CONFIG_HOME", "/cfg/"),
                ("XDG_DATA_HOME", "relative"),
            ]),
            None,
        );
        assert_eq!(
            strings(&xdg),
            (
                Some("/cfg/fr.passerelle.desktop/config.toml".into()),
                "/etc/passerelle/config.toml".into(),
                Some("/home/ada/.local/share/fr.passerelle.desktop/logs".into()),
            )
        );
        let mac = Paths::of(Os::MacOs, env(&[("HOME", "/Users/ada")]), None);
        assert_eq!(
            strings(&mac),
            (
                Some(
                    "/Users/ada/Library/Application Support/fr.passerelle.desktop/config.toml"
                        .into()
                ),
                "/Library/Application Support/Passerelle/config.toml".into(),
                Some("/Users/ada/Library/Logs/fr.passerelle.desktop".into()),
            )
        );
        let windows = Paths::of(
            Os::Windows,
            env(&[
                ("APPDATA", r"C:\Users\ada\AppData\Roaming"),
                ("LOCALAPPDATA", r"C:\Users\ada\AppData\Local"),
                // What a learner would set to step around the school's file: not read.
                ("ProgramData", r"C:\Users\ada\mine"),
            ]),
            Some(r"D:\ProgramData".into()),
        );
        assert_eq!(
            strings(&windows),
            (
                Some(r"C:\Users\ada\AppData\Roaming\fr.passerelle.desktop\config.toml".into()),
                r"D:\ProgramData\Passerelle\config.toml".into(),
                Some(r"C:\Users\ada\AppData\Local\fr.passerelle.desktop\logs".into()),
            )
        );
        let note = |p: &Paths| {
            p.update_note
                .clone()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(
            note(&linux),
            "/home/ada/.local/share/fr.passerelle.desktop/updated.json"
        );
        assert_eq!(
            note(&mac),
            "/Users/ada/Library/Application Support/fr.passerelle.desktop/updated.json"
        );
        assert_eq!(
            note(&windows),
            r"C:\Users\ada\AppData\Local\fr.passerelle.desktop\updated.json"
        );
        assert_eq!(
            strings(&Paths::of(
                Os::Windows,
                env(&[("ProgramData", "E:\\x")]),
                None
            ))
            .1,
            r"C:\ProgramData\Passerelle\config.toml"
        );
    }

    #[test]
    fn no_home_no_learner_file_and_passerelle_config_wins() {
        let bare = Paths::of(Os::Linux, env(&[]), None);
        assert_eq!(bare.config_file, None);
        assert_eq!(bare.log_dir, None);
        let named = Paths::of(
            Os::MacOs,
            env(&[("HOME", "/Users/ada"), ("PASSERELLE_CONFIG", "/tmp/p.toml")]),
            None,
        );
        assert_eq!(named.config_file, Some(PathBuf::from("/tmp/p.toml")));
    }
}
