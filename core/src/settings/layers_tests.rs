//! The layers' precedence, the locks, and a platform's settings kept to their platform.

use std::path::Path;

use super::*;
use crate::settings::policy::PolicySet;
use crate::settings::Trust;

fn path() -> &'static Path {
    Path::new("/etc/passerelle/config.toml")
}

fn only(key: Key, value: &str) -> RawSettings {
    RawSettings::default().with(key, value)
}

/// Sources with `key` set to its layer's name in each of `layers`.
fn layered(key: Key, layers: &[Layer]) -> Sources {
    let mut s = Sources::default();
    for layer in layers {
        let v = only(key, &format!("{layer:?}"));
        match layer {
            Layer::Build => s.build = v,
            Layer::Recommended => s.policies.user.recommended = v,
            Layer::School => s.school.settings = v,
            Layer::File => s.file = v,
            Layer::Environment => s.env = v,
            Layer::Flags => s.flags = v,
            Layer::UserPolicy => s.policies.user.mandatory = v,
            Layer::MachinePolicy => s.policies.machine.mandatory = v,
        }
    }
    s
}

/// Each layer alone sets a value; with every layer set, each one beats those below it.
#[test]
fn precedence_from_the_strongest() {
    let key = Key::Scope;
    let picked = |s: Sources| {
        let merged = s.merge();
        (
            merged.raw.get(key).map(str::to_owned),
            merged.from.get(&key).copied(),
            merged.is_locked(key),
        )
    };
    // Weakest to strongest, as docs/configuration.md lists them bottom-up.
    let order = [
        Layer::Build,
        Layer::School,
        Layer::Recommended,
        Layer::File,
        Layer::Environment,
        Layer::Flags,
        Layer::UserPolicy,
        Layer::MachinePolicy,
    ];
    for (i, layer) in order.iter().enumerate() {
        let locked = matches!(layer, Layer::UserPolicy | Layer::MachinePolicy);
        let expected = (Some(format!("{layer:?}")), Some(*layer), locked);
        assert_eq!(picked(layered(key, &[*layer])), expected);
        assert_eq!(
            picked(layered(key, &order[..=i])),
            expected,
            "{layer:?} beats the layers below it"
        );
    }
    // The machine's recommendation beats the user's.
    let mut s = layered(key, &[Layer::Recommended]);
    s.policies.machine.recommended = only(key, "machine");
    assert_eq!(
        picked(s),
        (Some("machine".into()), Some(Layer::Recommended), false)
    );
    // A value the school's file locks beats every learner's layer, not the policies.
    let mut s = layered(
        key,
        &[Layer::Build, Layer::File, Layer::Environment, Layer::Flags],
    );
    s.school = SchoolFile {
        settings: only(key, "school"),
        locks: Locks::All,
        ignored: None,
    };
    assert_eq!(
        picked(s.clone()),
        (Some("school".into()), Some(Layer::School), true)
    );
    s.policies.user.mandatory = only(key, "user policy");
    assert_eq!(
        picked(s.clone()).0.as_deref(),
        Some("user policy"),
        "the registry beats the file"
    );
    // Locked but not set by the school: the build's value, never the learner's.
    s.policies.user.mandatory = RawSettings::default();
    s.school.settings = RawSettings::default();
    assert_eq!(picked(s.clone()).0.as_deref(), Some("Build"));
    s.build = RawSettings::default();
    assert_eq!(picked(s).0, None);
}

/// A mandatory policy locks its setting, and a policy's platform address locks every
/// setting of the platform with it.
#[test]
fn a_policy_locks_what_it_sets() {
    let s = Sources {
        policies: Policies {
            machine: PolicySet {
                mandatory: only(Key::AuthUrl, "https://campus.example"),
                recommended: only(Key::ClientId, "campus"),
                ..PolicySet::default()
            },
            user: PolicySet::default(),
        },
        file: RawSettings::default()
            .with(Key::AuthUrl, "https://elsewhere.example")
            .with(Key::TokenEndpoint, "https://evil.example/token")
            .with(Key::TokenStore, "memory"),
        ..Sources::default()
    };
    let merged = s.merge();
    assert_eq!(merged.raw.get(Key::AuthUrl), Some("https://campus.example"));
    assert_eq!(merged.from[&Key::AuthUrl], Layer::MachinePolicy);
    assert!(merged.is_locked(Key::AuthUrl) && merged.is_locked(Key::TokenEndpoint));
    assert_eq!(
        merged.raw.get(Key::TokenEndpoint),
        None,
        "never the learner's"
    );
    assert_eq!(merged.raw.get(Key::ClientId), Some("campus"));
    assert_eq!(merged.from[&Key::ClientId], Layer::Recommended);
    assert_eq!(
        merged.raw.get(Key::TokenStore),
        Some("memory"),
        "still the learner's"
    );
    assert!(!merged.is_locked(Key::TokenStore));
    assert!(merged.is_managed());
    assert!(!Sources::default().merge().is_managed());
}

/// Each setting can be locked on its own; the others stay the learner's.
#[test]
fn each_key_can_be_locked() {
    for locked in Key::all() {
        let mut school = RawSettings::default();
        let mut learner = RawSettings::default();
        for key in Key::all() {
            school.set(key, format!("school-{}", key.name()));
            learner.set(key, format!("learner-{}", key.name()));
        }
        // One platform for both, so that platform settings are comparable.
        school.set(Key::AuthUrl, "https://campus.example");
        learner.set(Key::AuthUrl, "https://campus.example/");
        if locked == Key::AuthUrl {
            learner.set(Key::AuthUrl, "https://elsewhere.example");
        }
        for layer in [Layer::Flags, Layer::Environment, Layer::File] {
            let mut s = Sources {
                school: SchoolFile {
                    settings: school.clone(),
                    locks: Locks::Keys([locked].into()),
                    ignored: None,
                },
                ..Sources::default()
            };
            match layer {
                Layer::Flags => s.flags = learner.clone(),
                Layer::Environment => s.env = learner.clone(),
                _ => s.file = learner.clone(),
            }
            let merged = s.merge();
            assert_eq!(
                merged.from[&locked],
                Layer::School,
                "{locked:?} from {layer:?}"
            );
            assert!(merged.is_locked(locked));
            assert_eq!(
                merged.raw.get(locked),
                school.get(locked),
                "{locked:?} from {layer:?}"
            );
            for other in Key::all().filter(|k| *k != locked && *k != Key::AuthUrl) {
                let expected = if locked == Key::AuthUrl && other.follows_platform() {
                    // A locked platform locks its settings: the school's are used.
                    Layer::School
                } else if other.is_the_distributors() {
                    // Never a learner's: the school's, unlocked.
                    Layer::School
                } else {
                    layer
                };
                assert_eq!(
                    merged.from[&other], expected,
                    "{other:?} with {locked:?} locked, from {layer:?}"
                );
            }
        }
    }
}

#[test]
fn settings_of_another_platform_are_not_used() {
    let s = Sources {
        build: RawSettings::default()
            .with(Key::AuthUrl, "https://built.example")
            .with(Key::ClientId, "built-app")
            .with(Key::ApiUrl, "https://api.built.example")
            .with(Key::TokenStore, "memory"),
        file: RawSettings::default().with(Key::AuthUrl, "https://other.example"),
        ..Sources::default()
    };
    let merged = s.merge();
    assert_eq!(merged.raw.get(Key::AuthUrl), Some("https://other.example"));
    assert_eq!(
        merged.raw.get(Key::ApiUrl),
        None,
        "the built platform's API is not this one's"
    );
    assert_eq!(merged.raw.get(Key::ClientId), None);
    assert_eq!(
        merged.raw.get(Key::TokenStore),
        Some("memory"),
        "not a platform setting"
    );

    // The same platform written another way keeps its settings.
    let same = Sources {
        file: RawSettings::default().with(Key::AuthUrl, "BUILT.example/"),
        ..s
    };
    assert_eq!(same.merge().raw.get(Key::ClientId), Some("built-app"));
    // A layer that names no platform applies to whichever is in force.
    let env = Sources {
        env: only(Key::ClientId, "env-app"),
        ..Sources::default()
    };
    assert_eq!(env.merge().raw.get(Key::ClientId), Some("env-app"));
}

/// A locked address: a learner's layer that names no platform still cannot send the
/// platform's tokens elsewhere.
#[test]
fn a_locked_platform_keeps_its_own_endpoints() {
    let s = Sources {
        school: SchoolFile {
            settings: RawSettings::default()
                .with(Key::AuthUrl, "https://campus.example")
                .with(Key::ClientId, "campus"),
            locks: Locks::Keys([Key::AuthUrl].into()),
            ignored: None,
        },
        env: RawSettings::default()
            .with(Key::TokenEndpoint, "https://evil.example/token")
            .with(Key::ClientId, "mine")
            .with(Key::TokenStore, "memory"),
        ..Sources::default()
    };
    let merged = s.merge();
    assert_eq!(merged.raw.get(Key::TokenEndpoint), None);
    assert_eq!(merged.raw.get(Key::ClientId), Some("campus"));
    assert_eq!(merged.from[&Key::ClientId], Layer::School);
    assert!(merged.is_locked(Key::ClientId));
    assert_eq!(
        merged.raw.get(Key::TokenStore),
        Some("memory"),
        "not a platform setting"
    );
}

#[test]
fn the_machine_wide_file() {
    let m = SchoolFile::parse(
        "auth_url = \"https://campus.example\"\nclient_id = \"campus\"\nlocked = [\"auth_url\", \"client_id\"]\n",
        path(),
    )
    .unwrap();
    assert_eq!(m.settings.get(Key::ClientId), Some("campus"));
    assert_eq!(m.locks, Locks::Keys([Key::AuthUrl, Key::ClientId].into()));
    assert!(
        m.locks.covers(Key::TokenEndpoint),
        "the platform's settings with it"
    );
    assert!(!m.locks.covers(Key::TokenStore));
    assert_eq!(
        SchoolFile::parse("locked = true\nscope = \"read\"", path())
            .unwrap()
            .locks,
        Locks::All
    );
    assert_eq!(
        SchoolFile::parse("", path()).unwrap(),
        SchoolFile::default()
    );
    let e = SchoolFile::parse("locked = [\"auth_urls\"]", path()).unwrap_err();
    assert!(e.to_string().contains("auth_urls"), "{e}");
    let e = SchoolFile::parse("locked = 1", path()).unwrap_err();
    assert!(matches!(e, ConfigError::File { .. }), "{e}");
    let e = SchoolFile::parse("locked = true\n\nscope = 3\n", path()).unwrap_err();
    assert!(
        matches!(e, ConfigError::File { line: Some(3), .. }),
        "{e:?}"
    );
    assert_eq!(
        SchoolFile::read(Path::new("/nonexistent/x.toml"), Trust::System).unwrap(),
        SchoolFile::default()
    );
}

/// Where updates come from and their key: the build's or the school's, whatever a
/// learner's layer says; the learner may still choose how (notify, auto, off).
#[test]
fn the_update_feed_and_key_are_never_a_learners() {
    let mut s = Sources {
        build: only(Key::UpdateUrl, "https://build.example/latest.json")
            .with(Key::UpdatePubkey, "build-key"),
        ..Sources::default()
    };
    for learner in [&mut s.flags, &mut s.env, &mut s.file] {
        *learner = only(Key::UpdateUrl, "https://mine.example/latest.json")
            .with(Key::UpdatePubkey, "my-key")
            .with(Key::Updates, "auto");
    }
    let merged = s.merge();
    assert_eq!(
        merged.raw.get(Key::UpdateUrl),
        Some("https://build.example/latest.json")
    );
    assert_eq!(merged.raw.get(Key::UpdatePubkey), Some("build-key"));
    assert_eq!(merged.raw.get(Key::Updates), Some("auto"));
    s.school.settings = only(Key::UpdateUrl, "https://school.example/latest.json");
    assert_eq!(
        s.merge().raw.get(Key::UpdateUrl),
        Some("https://school.example/latest.json")
    );
}
