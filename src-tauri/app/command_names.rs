/// The window's commands, named once: each is a one-line function in `commands.rs`, handled
/// by `commands::handler`, and granted by an `allow-…` permission in
/// `capabilities/main-window.json`, which `build.rs` makes from [`COMMANDS`]. A test holds
/// them to what `ui/app.js` calls and to the actions a view offers.
macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            connect,
            start_sign_in,
            cancel_sign_in,
            open_verification_page,
            copy_user_code,
            retry,
            sign_out,
            save_setup,
            open_settings,
            open_about,
            close_overlay,
            copy_support_details,
            skip_keychain,
            still_here,
            update_now,
            dismiss_update
        }
    };
}

macro_rules! command_names {
    ($($name:ident),*) => {
        /// The commands' names, as the page calls them.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

with_commands!(command_names);
