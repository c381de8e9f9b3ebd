/// The app's own commands: each gets an `allow-…` permission, granted to the main window
/// in `capabilities/main-window.json`. Keep in step with `app::commands`.
const COMMANDS: &[&str] = &[
    "connect",
    "start_sign_in",
    "cancel_sign_in",
    "new_code",
    "open_verification_page",
    "copy_user_code",
    "retry",
    "back",
    "sign_out",
    "save_setup",
    "open_settings",
    "open_about",
    "close_overlay",
    "copy_support_details",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
