//! The desktop app: a Tauri shell over the core. [`builder`] is the whole app, used by
//! [`run`] with the real runtime and by the tests with Tauri's mock runtime.

pub mod command_names;
mod commands;
pub mod controller;
pub mod desktop;
pub mod error;
pub mod launch;
mod qr;
mod state;
pub mod view;
mod window;
pub mod words;

use std::sync::Arc;

use tauri::{Manager, Runtime};

pub use controller::Controller;
pub use launch::Launch;

/// The app on `base` (Tauri's real builder, or the mock one in tests): plugins, the
/// controller, the window with its navigation guard, the commands.
pub fn builder<R: Runtime>(base: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(move |app| {
            let mut launch = launch;
            let desktop = launch
                .desktop
                .take()
                .unwrap_or_else(|| Arc::new(desktop::TauriDesktop(app.handle().clone())));
            let controller = Controller::new(launch, desktop);
            app.manage(controller.clone());
            window::create(app)?;
            controller.start();
            Ok(())
        })
        .on_window_event(|window, event| {
            // Saved as it changes, not only at a clean exit, so a crash or a logout keeps it.
            if matches!(
                event,
                tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_)
            ) {
                use tauri_plugin_window_state::{AppHandleExt, StateFlags};
                let _ = window.app_handle().save_window_state(StateFlags::all());
            }
        })
        .invoke_handler(commands::handler())
}

/// `tauri.conf.json`, the window's permissions and the `ui/` pages.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Runs the app until its window is closed.
pub fn run(launch: Launch) {
    // First, so that a second launch hands over to the running one and exits. Not in
    // `builder`: the tests run many apps in one process.
    let single_instance = tauri_plugin_single_instance::init(|app, _args, _cwd| {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    });
    builder(tauri::Builder::default().plugin(single_instance), launch)
        .run(context())
        .expect("Passerelle could not start");
}
