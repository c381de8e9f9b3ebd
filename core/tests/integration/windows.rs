//! What only Windows has, on Windows (under Wine in CI): the session in the Credential
//! Manager, the known folders from the system, and the trust check of the school's file
//! with the system's own security descriptors.

use passerelle_core::flow::{AccessToken, RefreshToken};
use passerelle_core::paths::Paths;
use passerelle_core::session::{Binding, Keychain, SavedSession, Vault, VaultError};
use passerelle_core::settings::trust::windows::{system_only, TRUSTED};
use passerelle_core::settings::trust::{current_user_sid, descriptor_from_sddl, descriptor_of};
use url::Url;

fn session(access: usize, refresh: usize) -> SavedSession {
    let jwt = |len: usize| format!("eyJhbGciOiJSUzI1NiJ9.{}.sig", "x".repeat(len));
    SavedSession {
        access_token: Some(AccessToken::new(jwt(access))),
        refresh_token: Some(RefreshToken::new(jwt(refresh))),
        expires_at: Some(1_900_000_000),
        binding: Binding {
            client_id: "app".into(),
            token_origin: "https://platform.example".into(),
            revocation_origin: None,
            api_origin: "https://platform.example".into(),
        },
        signed_in_at: Some(1_800_000_000),
        profile: None,
    }
}

/// Sessions are stored as bytes (not as UTF-16 passwords, which would halve the room), and
/// kept within the 2,560 bytes the Credential Manager holds: Wine does not enforce that
/// limit, the keyring crate does, before the system is asked.
#[test]
fn sessions_in_the_credential_manager_fit_its_limit() {
    let nonce = std::process::id();
    let url = Url::parse(&format!("https://platform-{nonce}.example/")).unwrap();
    let keychain = Keychain::for_platform("fr.passerelle.desktop.tests", &url).unwrap();
    let small = session(700, 600);
    keychain.save(&small).unwrap();
    assert_eq!(keychain.load().unwrap(), Some(small));

    // Too large whole: kept without its access token, which the next start refreshes.
    let big = session(1800, 900);
    keychain.save(&big).unwrap();
    let kept = keychain.load().unwrap().unwrap();
    assert_eq!(kept.access_token, None);
    assert_eq!(kept.refresh_token, big.refresh_token);

    // Too large even so: refused, said as such.
    assert_eq!(
        keychain.save(&session(100, 3000)),
        Err(VaultError::TooLarge)
    );
    keychain.delete().unwrap();
    assert_eq!(keychain.load().unwrap(), None);
}

/// The machine-wide folder comes from the system, never from the environment a learner
/// sets; the learner's come from their own profile.
#[test]
fn the_known_folders_come_from_the_system() {
    std::env::set_var("ProgramData", r"C:\users\learner\planted");
    let paths = Paths::current();
    let managed = paths.school_file.to_string_lossy().to_lowercase();
    assert!(
        managed.ends_with(r"\programdata\passerelle\config.toml") && !managed.contains("planted"),
        "{managed}"
    );
    let appdata = std::env::var("APPDATA").unwrap();
    assert_eq!(
        paths.config_file.unwrap(),
        std::path::Path::new(&appdata).join(r"fr.passerelle.desktop\config.toml")
    );
    let local = std::env::var("LOCALAPPDATA").unwrap();
    assert_eq!(
        paths.log_dir.unwrap(),
        std::path::Path::new(&local).join(r"fr.passerelle.desktop\logs")
    );
}

/// A file a learner made is theirs, not the system's: the school's file is refused. The
/// descriptors a school's installer sets, written in SDDL and read by the system, pass or
/// fail as they should. (A null DACL, `D:NO_ACCESS_CONTROL`, is checked by the unit tests
/// only: Wine reads it as an empty list.)
#[test]
fn the_school_s_file_is_checked_with_the_system_s_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "locked = true\n").unwrap();
    let me = current_user_sid().expect("this process's user");
    let planted = descriptor_of(&file).unwrap();
    assert_eq!(planted.owner, me, "a file belongs to whoever made it");
    let e = system_only("the file", &planted, None).unwrap_err();
    assert!(e.contains("not to the system"), "{e}");
    assert_eq!(system_only("the file", &planted, Some(&me)), Ok(()));

    let installed = "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
    assert_eq!(
        system_only(
            "its folder",
            &descriptor_from_sddl(installed).unwrap(),
            None
        ),
        Ok(())
    );
    for (sddl, why) in [
        (
            "O:BAG:SYD:(A;;FA;;;SY)(A;;FW;;;BU)",
            "may be changed by S-1-5-32-545",
        ),
        (
            "O:BAG:SYD:(A;;FA;;;SY)(A;;SD;;;WD)",
            "may be changed by S-1-1-0",
        ),
        (
            "O:S-1-5-21-1-2-3-1001G:SYD:(A;;FA;;;SY)",
            "belongs to S-1-5-21-1-2-3-1001",
        ),
    ] {
        let d = descriptor_from_sddl(sddl).unwrap();
        let e = system_only("the file", &d, None).unwrap_err();
        assert!(e.contains(why), "{sddl}: {e}");
    }
    assert!(TRUSTED.contains(&descriptor_from_sddl(installed).unwrap().owner.as_str()));
}
