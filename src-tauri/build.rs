//! Makes the window's permissions from the command list, and builds in a distributor's
//! settings: `PASSERELLE_DISTRIBUTION=path/to/distribution.toml` at build time, checked
//! with the same rules as the settings the app reads at run time.

use std::path::{Path, PathBuf};

use passerelle_core::settings::{read_file, Settings};

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
    let text = match std::env::var_os("PASSERELLE_DISTRIBUTION").filter(|p| !p.is_empty()) {
        None => String::new(),
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
            raw.to_toml()
        }
    };
    std::fs::write(&out, text).expect("write the built-in settings");
}
