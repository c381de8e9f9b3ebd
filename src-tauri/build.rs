//! Makes the window's permissions from the command list, and builds in a distributor's
//! settings: `PASSERELLE_DISTRIBUTION=path/to/distribution.toml` at build time, checked
//! with the same rules as the settings the app reads at run time. A release of the
//! project's own takes its release feed from `PASSERELLE_RELEASE_FEED` and
//! `PASSERELLE_RELEASE_PUBKEY`, unless the distribution file names its own.

use std::path::{Path, PathBuf};

use passerelle_core::settings::{read_file, Key, RawSettings, Settings, Updates};

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
    let mut raw = match std::env::var_os("PASSERELLE_DISTRIBUTION").filter(|p| !p.is_empty()) {
        None => RawSettings::default(),
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
            let raw = read_file(&path).unwrap_or_else(|e| fail(e.to_string()));
            let settings = Settings::check(&raw).unwrap_or_else(|e| fail(e.to_string()));
            println!(
                "cargo:warning=building Passerelle for {}",
                settings.platform_label()
            );
            raw
        }
    };
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
