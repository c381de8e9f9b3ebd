//! The smallest Tauri 2 app with a page that talks to its backend once, as Passerelle's
//! window does when it connects. `scripts/bench` compares Passerelle with it.

#[tauri::command]
fn ready() {
    // The same words as Passerelle's log line, so the benchmark waits for both alike.
    eprintln!("window connected");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the baseline app could not start");
}
