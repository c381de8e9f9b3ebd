/// The window's commands, each granted by an `allow-…` permission in
/// `capabilities/main-window.json`. One list for `build.rs` (which makes the permissions),
/// `commands::handler` and the test that holds them to what `ui/app.js` calls.
pub const COMMANDS: &[&str] = &[
    "connect",
    "start_sign_in",
    "cancel_sign_in",
    "open_verification_page",
    "copy_user_code",
    "retry",
    "sign_out",
    "save_setup",
    "open_settings",
    "open_about",
    "close_overlay",
    "copy_support_details",
    "skip_keychain",
    "still_here",
    "update_now",
    "dismiss_update",
];
