//! The window's commands: one line each over the [`Controller`]. None returns a secret.

use tauri::ipc::{Channel, Invoke};
use tauri::{Runtime, State};

use super::controller::Controller;
use super::error::CommandError;
use super::view::View;

#[tauri::command]
fn connect(state: State<'_, Controller>, on_view: Channel<View>) -> View {
    tracing::info!("window connected");
    state.connect(on_view)
}

#[tauri::command]
fn start_sign_in(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.start_sign_in()
}

#[tauri::command]
fn cancel_sign_in(state: State<'_, Controller>) {
    state.cancel_sign_in()
}

#[tauri::command]
fn open_verification_page(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.open_verification_page()
}

#[tauri::command]
fn copy_user_code(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.copy_user_code()
}

#[tauri::command]
fn retry(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.retry()
}

#[tauri::command]
async fn sign_out(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.sign_out().await
}

#[tauri::command]
async fn save_setup(
    state: State<'_, Controller>,
    auth_url: String,
    client_id: String,
) -> Result<(), CommandError> {
    state.save_setup(auth_url, client_id).await
}

#[tauri::command]
fn open_settings(state: State<'_, Controller>) {
    state.open_settings()
}

#[tauri::command]
fn open_about(state: State<'_, Controller>) {
    state.open_about()
}

#[tauri::command]
fn close_overlay(state: State<'_, Controller>) {
    state.close_overlay()
}

#[tauri::command]
fn copy_support_details(state: State<'_, Controller>) -> Result<(), CommandError> {
    state.copy_support_details()
}

#[tauri::command]
fn skip_keychain(state: State<'_, Controller>) {
    state.skip_keychain()
}

/// Every command above: each of [`super::command_names::COMMANDS`], as a test checks.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
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
    ]
}
