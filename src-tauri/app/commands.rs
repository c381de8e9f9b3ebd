//! The window's commands: a thin layer over the [`Controller`]. None returns a secret.

use tauri::ipc::Channel;
use tauri::State;

use super::controller::Controller;
use super::error::CommandError;
use super::view::View;

#[tauri::command]
pub fn connect(state: State<'_, Controller>, on_view: Channel<View>) -> View {
    tracing::info!("window connected");
    state.connect(on_view)
}

#[tauri::command]
pub fn start_sign_in(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.start_sign_in()
}

#[tauri::command]
pub fn cancel_sign_in(state: State<'_, Controller>) {
    state.cancel_sign_in()
}

#[tauri::command]
pub fn new_code(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.new_code()
}

#[tauri::command]
pub fn open_verification_page(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.open_verification_page()
}

#[tauri::command]
pub fn copy_user_code(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.copy_user_code()
}

#[tauri::command]
pub fn retry(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.retry()
}

#[tauri::command]
pub fn back(state: State<'_, Controller>) {
    state.back()
}

#[tauri::command]
pub async fn sign_out(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.sign_out().await;
    Ok(())
}

#[tauri::command]
pub async fn save_setup(
    state: State<'_, Controller>,
    auth_url: String,
    client_id: String,
) -> Result<(), CommandError> {
    state.save_setup(auth_url, client_id).await
}

#[tauri::command]
pub fn open_settings(state: State<'_, Controller>) {
    state.open_settings()
}

#[tauri::command]
pub fn open_about(state: State<'_, Controller>) {
    state.open_about()
}

#[tauri::command]
pub fn close_overlay(state: State<'_, Controller>) {
    state.close_overlay()
}

#[tauri::command]
pub fn copy_support_details(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.copy_support_details()
}

/// Every command above, for `Builder::invoke_handler`. Keep in step with `build.rs`.
#[macro_export]
macro_rules! app_commands {
    () => {
        tauri::generate_handler![
            $crate::app::commands::connect,
            $crate::app::commands::start_sign_in,
            $crate::app::commands::cancel_sign_in,
            $crate::app::commands::new_code,
            $crate::app::commands::open_verification_page,
            $crate::app::commands::copy_user_code,
            $crate::app::commands::retry,
            $crate::app::commands::back,
            $crate::app::commands::sign_out,
            $crate::app::commands::save_setup,
            $crate::app::commands::open_settings,
            $crate::app::commands::open_about,
            $crate::app::commands::close_overlay,
            $crate::app::commands::copy_support_details,
        ]
    };
}
