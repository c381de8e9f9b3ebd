//! The window's commands: one line each over the [`Machine`]. None returns a secret.

use passerelle_core::machine::{CommandError, Machine, View};
use tauri::ipc::{Channel, Invoke};
use tauri::{Runtime, State};

use super::desktop::ChannelWindow;

#[tauri::command]
fn connect(
    machine: State<'_, Machine>,
    window: State<'_, std::sync::Arc<ChannelWindow>>,
    on_view: Channel<View>,
) -> View {
    tracing::info!("window connected");
    window.connect(on_view);
    machine.connect()
}

#[tauri::command]
fn start_sign_in(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.start_sign_in()
}

#[tauri::command]
fn cancel_sign_in(machine: State<'_, Machine>) {
    machine.cancel_sign_in()
}

#[tauri::command]
fn open_verification_page(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.open_verification_page()
}

#[tauri::command]
fn copy_user_code(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.copy_user_code()
}

#[tauri::command]
fn retry(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.retry()
}

#[tauri::command]
async fn sign_out(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.sign_out().await
}

#[tauri::command]
async fn save_setup(
    machine: State<'_, Machine>,
    auth_url: String,
    client_id: String,
) -> Result<(), CommandError> {
    machine.save_setup(auth_url, client_id).await
}

#[tauri::command]
fn open_settings(machine: State<'_, Machine>) {
    machine.open_settings()
}

#[tauri::command]
fn open_about(machine: State<'_, Machine>) {
    machine.open_about()
}

#[tauri::command]
fn close_overlay(machine: State<'_, Machine>) {
    machine.close_overlay()
}

#[tauri::command]
fn copy_support_details(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.copy_support_details()
}

#[tauri::command]
fn skip_keychain(machine: State<'_, Machine>) {
    machine.skip_keychain()
}

#[tauri::command]
fn still_here(machine: State<'_, Machine>) {
    machine.still_here()
}

#[tauri::command]
fn update_now(machine: State<'_, Machine>) -> Result<(), CommandError> {
    machine.update_now()
}

#[tauri::command]
fn dismiss_update(machine: State<'_, Machine>) {
    machine.dismiss_update()
}

macro_rules! handler {
    ($($name:ident),*) => {
        /// Every command above, as [`super::command_names::COMMANDS`] names them.
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

with_commands!(handler);
