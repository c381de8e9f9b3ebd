//! The desktop app: a thin Tauri shell over the core's machine. [`builder`] is the whole
//! app, used by [`run`] with the real runtime and by the tests with Tauri's mock runtime:
//! the plugins, the window with its navigation guard, the page's channel as the machine's
//! window, and one-line commands.

#[cfg(target_os = "macos")]
mod app_bundle;
#[macro_use]
pub mod command_names;
mod commands;
pub mod console;
pub mod desktop;
#[cfg(target_os = "linux")]
pub mod engine;
pub mod exit;
pub mod hardening;
pub mod launch;
mod updater;
pub mod webview2;
mod window;

use std::sync::Arc;

use passerelle_core::machine::Machine;
use tauri::{Manager, Runtime};

pub use launch::Launch;

/// The app on `base` (Tauri's real builder, or the mock one in tests).
pub fn builder<R: Runtime>(base: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    #[cfg(not(target_os = "linux"))]
    let base = base.plugin(tauri_plugin_clipboard_manager::init());
    base.plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(exit::Ending::default())
        .setup(move |app| {
            let Launch {
                mut startup,
                desktop,
                check_webview,
            } = launch;
            // As the bundle says: a build for an update's test changes only its config.
            startup.version = app.package_info().version.to_string();
            startup
                .installer
                .get_or_insert_with(|| Arc::new(updater::TauriInstaller(app.handle().clone())));
            #[cfg(windows)]
            if check_webview && webview2::missing(app.handle()) {
                std::process::exit(1);
            }
            let _ = check_webview;
            let desktop =
                desktop.unwrap_or_else(|| Arc::new(desktop::TauriDesktop(app.handle().clone())));
            let page = Arc::new(desktop::ChannelWindow::default());
            let runtime = tauri::async_runtime::handle().inner().clone();
            let machine = Machine::new(startup, page.clone(), desktop, runtime);
            tracing::debug!("settings read");
            app.manage(page);
            app.manage(machine.clone());
            window::create(app)?;
            tracing::debug!("window created");
            machine.begin();
            Ok(())
        })
        .on_window_event(|window, event| {
            window::remember_place(window, event);
            exit::on_close(window, event);
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
    let app = builder(tauri::Builder::default().plugin(single_instance), launch)
        .build(context())
        .expect("Passerelle could not start");
    exit::listen(app.handle());
    app.run(|app, event| exit::on_run_event(app, &event));
}
