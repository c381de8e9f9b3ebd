//! The documents hold to the repository: every path they name exists.

use std::path::{Path, PathBuf};

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

/// The folders and files at the repository's top that a path in a document may start with.
const TOP: &[&str] = &[
    ".ci/",
    ".github/",
    "benches/",
    "capabilities/",
    "core/",
    "demo-platform/",
    "docs/",
    "examples/",
    "icons/",
    "scripts/",
    "src-tauri/",
    "tests/",
    "ui/",
    "Cargo.toml",
    "LICENSE",
    "README.md",
    "SECURITY.md",
    "tauri.conf.json",
];

/// What `text` names as a repository path (in backticks, or as a link), and where from: a
/// link is relative to the document's folder, a path in backticks to the top.
fn paths_named(text: &str, folder: &Path) -> Vec<(String, PathBuf)> {
    let mut named = Vec::new();
    for (i, quoted) in text.split('`').enumerate() {
        // Odd pieces are between backticks.
        if i % 2 == 1 {
            let path = quoted.split_whitespace().next().unwrap_or("");
            if TOP.iter().any(|top| path.starts_with(top)) {
                named.push((path.to_owned(), root().join(path)));
            }
        }
    }
    for link in text.split("](").skip(1) {
        let target = link.split([')', '#', ' ']).next().unwrap_or("");
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            named.push((target.to_owned(), folder.join(target)));
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
        .map(|(path, at)| (path.trim_end_matches([',', '.', ':', ';']).to_owned(), at))
        .collect()
}

#[test]
fn every_path_a_document_names_exists() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for document in documents() {
        let text = std::fs::read_to_string(&document).unwrap();
        let folder = document.parent().unwrap();
        for (path, at) in paths_named(&text, folder) {
            checked += 1;
            let at = PathBuf::from(at.to_string_lossy().trim_end_matches([',', '.', ':', ';']));
            if !at.exists() {
                let name = document.strip_prefix(root()).unwrap_or(&document).display();
                missing.push(format!("{name}: {path}"));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} paths found: the reader is broken"
    );
    assert!(missing.is_empty(), "paths that do not exist: {missing:#?}");
}

#[test]
fn a_path_that_does_not_exist_is_found() {
    let folder = root().join("docs");
    let named = paths_named(
        "See `core/src/session/stored.rs` and [this](screenshots/none.png), not `target/x`.",
        &folder,
    );
    let missing: Vec<_> = named.iter().filter(|(_, at)| !at.exists()).collect();
    assert_eq!(missing.len(), 2, "{named:?}");
}
