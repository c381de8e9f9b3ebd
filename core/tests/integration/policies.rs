//! The policy templates a school imports — the ADMX and its ADMLs for Group Policy and
//! Intune, the configuration profile for macOS — are the settings' own: generated from
//! them, complete in both languages, and read back as the app reads policies.

use std::collections::BTreeSet;
use std::path::PathBuf;

use passerelle_core::language::Language;
use passerelle_core::settings::policy::preferences::{settings_of, Preference, PreferenceValue};
use passerelle_core::settings::policy::templates::{adml, admx, mobileconfig};
use passerelle_core::settings::{Key, Settings};

use crate::docs::root;

/// The templates in the repository, and what they must hold.
fn templates() -> Vec<(PathBuf, String)> {
    let at = |path: &str| root().join("policies").join(path);
    vec![
        (at("windows/passerelle.admx"), admx()),
        (at("windows/en-US/passerelle.adml"), adml(Language::English)),
        (at("windows/fr-FR/passerelle.adml"), adml(Language::French)),
        (
            at("macos/fr.passerelle.desktop.mobileconfig"),
            mobileconfig(),
        ),
    ]
}

#[test]
fn the_templates_in_the_repository_are_the_settings_own() {
    for (path, text) in templates() {
        if std::env::var_os("PASSERELLE_WRITE_TEMPLATES").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written.replace("\r\n", "\n") == text,
            "{} is not the settings' own: PASSERELLE_WRITE_TEMPLATES=1 cargo test -p passerelle-core --test integration policies",
            path.display()
        );
    }
}

/// The `id`s an ADML defines, of strings and of presentations.
fn defined(adml: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = roxmltree::Document::parse(adml).expect("well-formed");
    let ids = |tag: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .map(|n| n.attribute("id").unwrap().to_owned())
            .collect()
    };
    (ids("string"), ids("presentation"))
}

#[test]
fn every_setting_is_a_policy_in_both_languages() {
    let admx = admx();
    let doc = roxmltree::Document::parse(&admx).expect("well-formed");
    let policies: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("policy"))
        .collect();
    for key in Key::all() {
        for name in [key.name().to_owned(), format!("{}_recommended", key.name())] {
            assert!(
                policies
                    .iter()
                    .any(|p| p.attribute("name") == Some(name.as_str())),
                "no policy {name}"
            );
        }
    }
    for policy in &policies {
        let key = policy.attribute("key").unwrap().to_ascii_lowercase();
        assert!(key.starts_with(r"software\policies\passerelle"), "{key}");
        assert!(!key.contains(r"policies\microsoft"), "Intune refuses {key}");
    }
    // Every string and presentation the ADMX names, defined in both languages alike.
    let referenced = |prefix: &str| -> BTreeSet<String> {
        admx.split(prefix)
            .skip(1)
            .map(|rest| rest[..rest.find(')').unwrap()].to_owned())
            .collect()
    };
    let (en, fr) = (
        defined(&adml(Language::English)),
        defined(&adml(Language::French)),
    );
    assert_eq!(en, fr, "the same ids in English and French");
    let (strings, presentations) = en;
    for id in referenced("$(string.") {
        assert!(strings.contains(&id), "string {id} is not defined");
    }
    for id in referenced("$(presentation.") {
        assert!(
            presentations.contains(&id),
            "presentation {id} is not defined"
        );
    }
    assert!(strings.len() > 2 * Key::all().count());
}

#[test]
fn the_configuration_profile_sets_the_settings_as_the_app_reads_them() {
    let profile = mobileconfig();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&profile, options).expect("well-formed");
    let settings = doc
        .descendants()
        .find(|n| n.has_tag_name("key") && n.text() == Some("mcx_preference_settings"))
        .and_then(|k| k.next_sibling_element())
        .expect("the forced settings");
    let elements: Vec<_> = settings.children().filter(|n| n.is_element()).collect();
    let found: Vec<(Key, Preference)> = elements
        .chunks(2)
        .map(|pair| {
            let key = Key::from_name(pair[0].text().unwrap()).expect("a setting's name");
            (
                key,
                Preference {
                    value: value_of(pair[1]),
                    forced: true,
                },
            )
        })
        .collect();
    // Every setting but where updates come from and their key, which are no sample's.
    assert_eq!(
        found.iter().map(|(key, _)| *key).collect::<Vec<_>>(),
        Key::all()
            .filter(|key| !key.is_the_distributors())
            .collect::<Vec<_>>()
    );
    let raw = settings_of("fr.passerelle.desktop", found).expect("read as the app reads it");
    Settings::check(&raw).expect("every sample value can be used");
}

fn value_of(node: roxmltree::Node) -> PreferenceValue {
    match node.tag_name().name() {
        "string" => PreferenceValue::String(node.text().unwrap_or_default().to_owned()),
        "true" => PreferenceValue::Bool(true),
        "false" => PreferenceValue::Bool(false),
        "integer" => PreferenceValue::Integer(node.text().unwrap().parse().unwrap()),
        "array" => PreferenceValue::Array(
            node.children()
                .filter(|n| n.is_element())
                .map(value_of)
                .collect(),
        ),
        other => panic!("a plist {other}"),
    }
}
