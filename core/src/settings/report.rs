//! What `passerelle --show-settings` prints for an administrator: every setting on a line of
//! its own — its name, its value, where it comes from, whether it is locked — then what was
//! found but not used, and why. No setting holds a secret: the client id is not one.

use super::key::Key;
use super::layers::{Layer, Merged};

impl Layer {
    /// As an administrator names it.
    pub fn label(self) -> &'static str {
        match self {
            Layer::Build => "build",
            Layer::Recommended => "recommended",
            Layer::School => "school file",
            Layer::File => "learner's file",
            Layer::Environment => "environment",
            Layer::Flags => "flag",
            Layer::UserPolicy => "user policy",
            Layer::MachinePolicy => "machine policy",
        }
    }
}

/// The report on `merged`; `not_used` says what was found but not used, and why (a
/// machine-wide file a learner may have planted, a policy no setting of this version has).
pub fn report(merged: &Merged, not_used: &[String]) -> String {
    let rows: Vec<[String; 4]> = Key::all()
        .map(|key| {
            let (value, from) = match (merged.raw.get(key), merged.from.get(&key)) {
                (Some(value), Some(layer)) => (value.to_owned(), layer.label()),
                _ => (
                    key.default_value().unwrap_or("(not set)").to_owned(),
                    "default",
                ),
            };
            let locked = if merged.is_locked(key) { "locked" } else { "" };
            [
                key.name().to_owned(),
                value,
                from.to_owned(),
                locked.to_owned(),
            ]
        })
        .collect();
    let width = |column: usize| {
        rows.iter()
            .map(|r| r[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (name, value, from) = (width(0), width(1), width(2));
    let mut text = String::new();
    for [k, v, f, l] in &rows {
        let line = format!("{k:name$}  {v:value$}  {f:from$}  {l}");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    for why in not_used {
        text.push_str(&format!("warning: {why}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Policies, PolicySet, RawSettings, SchoolFile, Sources};

    #[test]
    fn every_setting_where_it_comes_from_and_whether_it_is_locked() {
        let sources = Sources {
            policies: Policies {
                machine: PolicySet {
                    mandatory: RawSettings::default().with(Key::AuthUrl, "https://moncampus.fr"),
                    recommended: RawSettings::default(),
                    unknown: vec![r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Passerelle\later".into()],
                },
                user: PolicySet::default(),
            },
            file: RawSettings::default().with(Key::TokenStore, "memory"),
            ..Sources::default()
        };
        let not_used: Vec<String> = ["/x/config.toml is not used: planted".to_owned()]
            .into_iter()
            .chain(sources.policies.not_used())
            .collect();
        let text = report(&sources.merge(), &not_used);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), Key::all().count() + 2);
        let line = |name: &str| -> Vec<&str> {
            lines
                .iter()
                .find(|l| l.starts_with(&format!("{name} ")))
                .unwrap()
                .split("  ")
                .map(str::trim)
                .filter(|column| !column.is_empty())
                .collect()
        };
        assert_eq!(
            line("auth_url"),
            [
                "auth_url",
                "https://moncampus.fr",
                "machine policy",
                "locked"
            ]
        );
        assert_eq!(
            line("api_url"),
            ["api_url", "(not set)", "default", "locked"],
            "the platform's, locked with it"
        );
        assert_eq!(
            line("token_store"),
            ["token_store", "memory", "learner's file"]
        );
        assert_eq!(line("updates"), ["updates", "notify", "default"]);
        assert_eq!(
            lines[lines.len() - 2..],
            [
                "warning: /x/config.toml is not used: planted",
                r"warning: HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Passerelle\later is not used: it names no setting of this version"
            ]
        );
        assert_eq!(SchoolFile::default().ignored, None);
    }
}
