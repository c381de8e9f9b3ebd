//! How this copy was installed, and so who updates it: the copy itself only when it is its
//! learner's own — a file they could replace themselves — never through an administrator's
//! prompt; a package or a program installed for the whole computer is updated by the
//! system's software updates or by whoever manages the computer. And which artifacts fit
//! this copy: an update is of the kind the copy was installed as.

/// The kind of bundle this copy came in, as the bundler marked it in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    Deb,
    Rpm,
    AppImage,
    Msi,
    Nsis,
    /// A macOS `.app`.
    App,
    /// A program run as built, in no bundle.
    Bare,
}

/// Who installs this copy's updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdatedBy {
    /// The copy itself: its program is the learner's to replace.
    Itself,
    /// The system's software updates, or whoever manages the computer: the copy never
    /// installs an update, and never asks for an administrator.
    TheComputer,
}

impl Bundle {
    /// Who updates a copy of this kind, `replaceable` when the running user could replace
    /// its program themselves (a fact the system gives: the file and its folder are theirs
    /// to write). Packages are the package manager's and a Windows Installer package is
    /// installed for the computer (Tauri's are per-machine), whoever runs them.
    pub fn updated_by(self, replaceable: bool) -> UpdatedBy {
        match self {
            Bundle::Deb | Bundle::Rpm | Bundle::Msi => UpdatedBy::TheComputer,
            Bundle::AppImage | Bundle::Nsis | Bundle::App | Bundle::Bare if replaceable => {
                UpdatedBy::Itself
            }
            _ => UpdatedBy::TheComputer,
        }
    }

    /// The release feed's name for this kind (`linux-x86_64-{name}`).
    pub fn feed_name(self) -> Option<&'static str> {
        Some(match self {
            Bundle::Deb => "deb",
            Bundle::Rpm => "rpm",
            Bundle::AppImage => "appimage",
            Bundle::Msi => "msi",
            Bundle::Nsis => "nsis",
            Bundle::App => "app",
            Bundle::Bare => return None,
        })
    }

    /// Whether `artifact` is of this kind, by its first bytes: an NSIS installer offered to
    /// a copy installed with an MSI, a `.deb` to an AppImage, is refused.
    pub fn fits(self, artifact: &[u8]) -> bool {
        let starts = |magic: &[u8]| artifact.starts_with(magic);
        let elf = starts(b"\x7fELF");
        match self {
            Bundle::Deb => starts(b"!<arch>\ndebian-binary"),
            Bundle::Rpm => starts(&[0xED, 0xAB, 0xEE, 0xDB]),
            // A type 2 AppImage: an ELF program marked `AI 2` in its identification's padding.
            Bundle::AppImage => elf && artifact.get(8..11) == Some(b"AI\x02"),
            Bundle::Msi => starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            Bundle::Nsis => starts(b"MZ"),
            // The `.app`, as the bundler archives it: a gzip'd tar.
            Bundle::App => starts(&[0x1F, 0x8B]),
            // This system's kind of program.
            Bundle::Bare if cfg!(windows) => starts(b"MZ"),
            Bundle::Bare if cfg!(target_os = "macos") => {
                starts(&[0xCF, 0xFA, 0xED, 0xFE]) || starts(&[0xCA, 0xFE, 0xBA, 0xBE])
            }
            Bundle::Bare => elf,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_copy_its_learner_could_replace_updates_itself() {
        for bundle in [Bundle::AppImage, Bundle::Nsis, Bundle::App, Bundle::Bare] {
            assert_eq!(bundle.updated_by(true), UpdatedBy::Itself, "{bundle:?}");
            assert_eq!(
                bundle.updated_by(false),
                UpdatedBy::TheComputer,
                "{bundle:?}"
            );
        }
        for bundle in [Bundle::Deb, Bundle::Rpm, Bundle::Msi] {
            // Root runs a .deb's program from a folder it can write: still the package's.
            assert_eq!(
                bundle.updated_by(true),
                UpdatedBy::TheComputer,
                "{bundle:?}"
            );
            assert_eq!(
                bundle.updated_by(false),
                UpdatedBy::TheComputer,
                "{bundle:?}"
            );
        }
    }

    #[test]
    fn an_artifact_fits_the_kind_of_copy_it_is_offered_to() {
        let mut appimage = b"\x7fELF\x02\x01\x01\x00AI\x02\x00\x00\x00\x00\x00".to_vec();
        appimage.extend([0; 64]);
        let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
        let deb = b"!<arch>\ndebian-binary   1342943816  0     0     100644  4".to_vec();
        let rpm = vec![0xED, 0xAB, 0xEE, 0xDB, 3, 0];
        let msi = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0];
        let nsis = b"MZ\x90\x00".to_vec();
        let app = vec![0x1F, 0x8B, 8, 0];
        let all = [&appimage, &elf, &deb, &rpm, &msi, &nsis, &app];
        let fitting = |bundle: Bundle| all.iter().filter(|a| bundle.fits(a)).count();
        assert!(Bundle::AppImage.fits(&appimage) && !Bundle::AppImage.fits(&elf));
        assert!(Bundle::Deb.fits(&deb) && Bundle::Rpm.fits(&rpm));
        assert!(
            Bundle::Msi.fits(&msi) && !Bundle::Msi.fits(&nsis),
            "no NSIS for an MSI"
        );
        assert!(Bundle::Nsis.fits(&nsis) && !Bundle::Nsis.fits(&msi));
        assert!(Bundle::App.fits(&app));
        for bundle in [
            Bundle::Deb,
            Bundle::Rpm,
            Bundle::AppImage,
            Bundle::Msi,
            Bundle::Nsis,
            Bundle::App,
        ] {
            assert_eq!(fitting(bundle), 1, "{bundle:?}");
        }
        // A program as built: this system's kind only.
        let macho = vec![0xCF, 0xFA, 0xED, 0xFE, 7, 0];
        let program = if cfg!(windows) {
            &nsis
        } else if cfg!(target_os = "macos") {
            &macho
        } else {
            &elf
        };
        assert!(Bundle::Bare.fits(program));
        assert!(!Bundle::Bare.fits(&deb) && !Bundle::Bare.fits(&msi));
        assert_eq!(
            Bundle::Bare.fits(&nsis),
            cfg!(windows),
            "a Windows program elsewhere"
        );
        assert!(!Bundle::Deb.fits(b""));
    }
}
