//! Makes the window's permissions from the command list, and builds in a distributor's
//! settings: `PASSERELLE_DISTRIBUTION=path/to/distribution.toml` at build time, checked
//! with the same rules as the settings the app reads at run time. A release of the
//! project's own takes its release feed from `PASSERELLE_RELEASE_FEED` and
//! `PASSERELLE_RELEASE_PUBKEY`, unless the distribution file names its own. The platform's
//! APT repository, when the file names one (`[apt]`), becomes the files the `.deb` installs
//! to register it: `gen/apt/`, which `tauri.conf.json` maps into the package.

use std::path::{Path, PathBuf};

use passerelle_core::settings::apt::{read_distribution, AptRepository};
use passerelle_core::settings::{Key, RawSettings, Settings, Updates};

include!("app/command_names.rs");

fn main() {
    distribution();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}

fn distribution() {
    println!("cargo:rerun-if-env-changed=PASSERELLE_DISTRIBUTION");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("distribution.toml");
    let (mut raw, apt) = match std::env::var_os("PASSERELLE_DISTRIBUTION").filter(|p| !p.is_empty())
    {
        None => (RawSettings::default(), None),
        Some(path) => {
            // Relative to the project's folder, where `cargo tauri build` runs.
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            println!("cargo:rerun-if-changed={}", path.display());
            let fail = |why: String| -> ! {
                eprintln!(
                    "error: the distribution file {} cannot be used: {why}",
                    path.display()
                );
                std::process::exit(1)
            };
            if !path.is_file() {
                fail("there is no such file".into());
            }
            let (raw, apt) = read_distribution(&path).unwrap_or_else(|e| fail(e.to_string()));
            let settings = Settings::check(&raw).unwrap_or_else(|e| fail(e.to_string()));
            println!(
                "cargo:warning=building Passerelle for {}",
                settings.platform_label()
            );
            (raw, apt)
        }
    };
    apt_files(apt.as_ref());
    // The project's feed and key go together, and only where the distribution names
    // neither: a platform's key never meets the project's feed.
    let release = [
        (Key::UpdateUrl, "PASSERELLE_RELEASE_FEED"),
        (Key::UpdatePubkey, "PASSERELLE_RELEASE_PUBKEY"),
    ];
    let own = release.iter().any(|(key, _)| raw.get(*key).is_some());
    for (key, var) in release {
        println!("cargo:rerun-if-env-changed={var}");
        match std::env::var(var).ok().filter(|v| !v.is_empty()) {
            Some(value) if !own => raw.set(key, value),
            _ => {}
        }
    }
    if let Err(e) = Updates::check(&raw) {
        eprintln!("error: the release feed cannot be used: {e}");
        std::process::exit(1);
    }
    std::fs::write(&out, raw.to_toml()).expect("write the built-in settings");
}

/// The folders of `gen/apt`, which `tauri.conf.json` maps into the `.deb`.
const FOLDERS: [&str; 3] = ["keyrings", "preferences", "sources"];

/// `gen/apt/sources/passerelle.sources`, `gen/apt/preferences/passerelle` and
/// `gen/apt/keyrings/` — the folders the `.deb` installs into `/etc/apt/sources.list.d`,
/// `/etc/apt/preferences.d` and `/usr/share/keyrings` — from the repository the
/// distribution file names; empty when it names none. Written only when they change,
/// and watched: a build of another profile (a test run between two releases) that changed
/// them has this build's script run again, so that a package never ships another build's.
fn apt_files(apt: Option<&AptRepository>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("gen/apt");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(apt) = apt {
        println!("cargo:rerun-if-changed={}", apt.key.display());
        let (key, keyring) = apt.keyring().unwrap_or_else(|why| {
            eprintln!("error: the distribution file's APT repository cannot be used: {why}");
            std::process::exit(1)
        });
        let name = Path::new(&keyring).file_name().expect("a file name");
        files.push((Path::new("keyrings").join(name), key));
        let sources = apt.sources(&keyring).into_bytes();
        files.push((PathBuf::from("sources/passerelle.sources"), sources));
        let preferences = apt.preferences().into_bytes();
        files.push((PathBuf::from("preferences/passerelle"), preferences));
        println!(
            "cargo:warning=the .deb registers the APT repository {}",
            apt.url
        );
    }
    let written: Vec<(PathBuf, Vec<u8>)> = FOLDERS
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).into_iter().flatten())
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let bytes = std::fs::read(&path).ok()?;
            Some((path.strip_prefix(&root).ok()?.to_path_buf(), bytes))
        })
        .collect();
    let same = written.len() == files.len() && files.iter().all(|file| written.contains(file));
    if same && FOLDERS.iter().all(|dir| root.join(dir).is_dir()) {
        return;
    }
    let _ = std::fs::remove_dir_all(&root);
    for dir in FOLDERS {
        std::fs::create_dir_all(root.join(dir)).expect("gen/apt");
    }
    for (path, bytes) in files {
        std::fs::write(root.join(path), bytes).expect("gen/apt");
    }
}
