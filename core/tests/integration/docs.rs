//! The documents hold to the repository: every path they name exists, and every
//! configuration example is read as the app reads it.

use std::path::{Path, PathBuf};

use passerelle_core::settings::apt::parse_distribution;
use passerelle_core::settings::policy::registry::{settings_of, RegistryValue, KEY, RECOMMENDED};
use passerelle_core::settings::{Key, RawSettings, SchoolFile, Sources};

/// The repository's top folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every document: the README, SECURITY.md and what `docs/` holds.
pub fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut found = vec![
        root.join("README.md"),
        root.join("SECURITY.md"),
        root.join("icons/README.md"),
    ];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    found.extend(docs);
    found
}

/// Where a document says a path is.
#[derive(Debug)]
enum Named {
    /// Exactly there: a link, from the document's folder, or a path from the top.
    At(PathBuf),
    /// A path written from inside a folder the text has named (`state.rs`, `app/mod.rs`):
    /// some file or folder of the repository ends with it.
    Within(String),
}

/// Every file and folder of the repository, from the top, but what builds and installs
/// make.
fn repository_paths() -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![root()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if [".git", "target", "node_modules", "test-artifacts", "gen"].contains(&&*name) {
                continue;
            }
            // With `/` between folders, as the documents write paths, on every system.
            let relative = path
                .strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                folders.push(path);
            }
            found.push(relative);
        }
    }
    found
}

/// The endings that make a word in backticks a source file's name.
const SOURCES: &[&str] = &[".rs", ".js", ".ts", ".py", ".css", ".html", ".md", ".sh"];

/// What `text` names as a repository path (in backticks, or as a link), and where.
fn paths_named(text: &str, folder: &Path) -> Vec<(String, Named)> {
    let top: Vec<String> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".git")
        .collect();
    let mut named = Vec::new();
    for (i, quoted) in text.split('`').enumerate() {
        // Odd pieces are between backticks.
        if i % 2 == 1 {
            let path = quoted.split_whitespace().next().unwrap_or("");
            let path = path.trim_end_matches([',', '.', ':', ';']);
            let first = path.split('/').next().unwrap_or_default();
            if top.iter().any(|t| t == first) {
                named.push((path.to_owned(), Named::At(root().join(path))));
            } else if (path.contains('/') || SOURCES.iter().any(|e| path.ends_with(e)))
                // Not a system's path, a URL, a variable or an option.
                && !path.starts_with(['/', '~', '%', '$', '-', '.'])
                && !path.contains("://")
                && !path.contains('\\')
            {
                named.push((path.to_owned(), Named::Within(path.to_owned())));
            }
        }
    }
    for link in text.split("](").skip(1) {
        let target = link.split([')', '#', ' ']).next().unwrap_or("");
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            named.push((target.to_owned(), Named::At(folder.join(target))));
        }
    }
    named
        .into_iter()
        // Made by a build or an install, not kept in the repository; or a pattern.
        .filter(|(path, _)| {
            ![
                "node_modules",
                "target/",
                "test-artifacts",
                "…",
                "*",
                "{",
                "<",
            ]
            .iter()
            .any(|made| path.contains(made))
        })
        .collect()
}

/// Whether what a document names is in the repository (`paths`, from the top).
fn exists(named: &Named, paths: &[String]) -> bool {
    match named {
        Named::At(at) => at.exists(),
        Named::Within(tail) => {
            let tail = tail.trim_end_matches('/');
            paths
                .iter()
                .any(|p| p == tail || p.ends_with(&format!("/{tail}")))
        }
    }
}

#[test]
fn every_path_a_document_names_exists() {
    let paths = repository_paths();
    let mut missing = Vec::new();
    let mut checked = 0;
    for document in documents() {
        let text = std::fs::read_to_string(&document).unwrap();
        let folder = document.parent().unwrap();
        for (path, named) in paths_named(&text, folder) {
            checked += 1;
            if !exists(&named, &paths) {
                let name = document.strip_prefix(root()).unwrap_or(&document).display();
                missing.push(format!("{name}: {path}"));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} paths found: the reader is broken"
    );
    assert!(missing.is_empty(), "paths that do not exist: {missing:#?}");
}

#[test]
fn a_path_that_does_not_exist_is_found() {
    let paths = repository_paths();
    let named = paths_named(
        "See `core/src/session/stored.rs`, `session/stored.rs`, `words.rs`, \
         `policies/none.admx` and [this](screenshots/none.png); not `target/x`, \
         `/etc/passerelle`, `%APPDATA%\\Passerelle` or `https://x.example/a.js`; \
         but `session/saved.rs`, `feed.rs`, `view/`, `policies/` and `.ci/run` are there.",
        &root().join("docs"),
    );
    let missing: Vec<_> = named
        .iter()
        .filter(|(_, at)| !exists(at, &paths))
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "core/src/session/stored.rs",
            "session/stored.rs",
            "words.rs",
            "policies/none.admx",
            "screenshots/none.png"
        ],
        "{named:?}"
    );
    assert_eq!(named.len(), 10, "{named:?}");
}

/// The fenced code blocks of `text` in `language`, each as its lines.
fn blocks<'a>(text: &'a str, language: &str) -> Vec<Vec<&'a str>> {
    let fence = format!("```{language}");
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == fence {
            found.push(lines.by_ref().take_while(|l| l.trim() != "```").collect());
        }
    }
    found
}

/// `reg add "HKLM\…" /v name /t REG_… /d data /f`, as the registry would hold it.
fn reg_add(line: &str) -> (bool, String, String, RegistryValue) {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => words.push(std::mem::take(&mut word)),
            c => word.push(c),
        }
    }
    words.push(word);
    let after = |flag: &str| {
        let at = words
            .iter()
            .position(|w| w.eq_ignore_ascii_case(flag))
            .unwrap();
        words[at + 1].clone()
    };
    let (hive, path) = words[2].split_once('\\').unwrap();
    let machine = matches!(hive, "HKLM" | "HKEY_LOCAL_MACHINE");
    let data = after("/d");
    let value = match after("/t").as_str() {
        "REG_SZ" => RegistryValue::Sz(data),
        "REG_DWORD" => RegistryValue::Dword(data.parse().unwrap()),
        "REG_MULTI_SZ" => RegistryValue::MultiSz(data.split("\\0").map(str::to_owned).collect()),
        other => panic!("{other}"),
    };
    (machine, path.to_owned(), after("/v"), value)
}

/// Every configuration example in the documents is read as the layer it is written for
/// reads it, and all its values can be used together: a documented example can never be
/// refused again. A TOML example says, on its first line, which file it is.
#[test]
fn every_configuration_example_is_read_as_its_layer_reads_it() {
    let mut examples = 0;
    for document in documents() {
        let text = std::fs::read_to_string(&document).unwrap();
        let name = document.display().to_string();
        let mut sources = Vec::new();
        for block in blocks(&text, "toml") {
            let first = block.first().copied().unwrap_or_default();
            let path = Path::new("example.toml");
            let body = block.join("\n");
            let mut s = Sources::default();
            if first.contains("distribution.toml") {
                let (build, _apt) =
                    parse_distribution(&body, path).unwrap_or_else(|e| panic!("{name}: {e}"));
                s.build = build;
            } else if first.contains("/etc/passerelle/config.toml") {
                s.school = SchoolFile::parse(&body, path).unwrap_or_else(|e| panic!("{name}: {e}"));
            } else if first.contains("config.toml") {
                s.file = RawSettings::parse(&body, path).unwrap_or_else(|e| panic!("{name}: {e}"));
            } else {
                panic!("{name}: a TOML example starts with the file it is: {first}");
            }
            sources.push((body, s));
        }
        for block in blocks(&text, "bat") {
            let mut s = Sources::default();
            for line in block.iter().filter(|l| l.starts_with("reg add")) {
                let (machine, path, value_name, value) = reg_add(line);
                let set = if machine {
                    &mut s.policies.machine
                } else {
                    &mut s.policies.user
                };
                let (raw, key) = match path.as_str() {
                    p if p.eq_ignore_ascii_case(RECOMMENDED) => (&mut set.recommended, p),
                    p if p.eq_ignore_ascii_case(KEY) => (&mut set.mandatory, p),
                    p => panic!("{name}: {p} is not Passerelle's policy key"),
                };
                let (read, unknown) = settings_of(key, [(value_name, value)])
                    .unwrap_or_else(|e| panic!("{name}: {line}: {e}"));
                assert!(unknown.is_empty(), "{name}: {line}: names no setting");
                for setting in read.keys() {
                    raw.set(setting, read.get(setting).unwrap());
                }
            }
            sources.push((block.join("\n"), s));
        }
        for (example, mut s) in sources {
            examples += 1;
            // What the example does not set, a build could: its values are checked with a
            // platform in force.
            s.build = s
                .build
                .with(Key::AuthUrl, "https://moncampus.fr")
                .with(Key::ClientId, "passerelle");
            let set: Vec<Key> = [
                &s.school.settings,
                &s.file,
                &s.policies.machine.mandatory,
                &s.policies.machine.recommended,
            ]
            .iter()
            .flat_map(|raw| raw.keys())
            .collect();
            let merged = s.merge();
            merged
                .settings()
                .unwrap_or_else(|e| panic!("{name}: this example cannot be used: {e}\n{example}"));
            for key in set {
                assert!(
                    merged.raw.get(key).is_some(),
                    "{name}: {key:?} is dropped\n{example}"
                );
            }
        }
    }
    assert!(examples >= 6, "only {examples} examples found");
}
