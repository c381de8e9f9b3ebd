//! A Windows without the Microsoft Edge WebView2 Runtime (Windows 10 LTSC, a stripped
//! image): the window cannot be drawn at all. The learner is told so, in their language,
//! with where to get it — in a native message box, since there is no webview to say it in —
//! rather than the app ending without a word.

use passerelle_core::language::Language;

/// Microsoft's page for the Evergreen bootstrapper.
pub const DOWNLOAD: &str = "https://go.microsoft.com/fwlink/p/?LinkId=2124703";

/// The message's words in `language`: the title and the text.
pub fn words(language: Language) -> (&'static str, String) {
    if language == Language::French {
        (
            "Passerelle",
            format!(
                "Passerelle a besoin du « Microsoft Edge WebView2 Runtime », qui n’est pas \
                 installé sur cet ordinateur.\n\nIl est gratuit, chez Microsoft : {DOWNLOAD}\n\
                 (sur un ordinateur de l’établissement, demandez à son administrateur).\n\n\
                 Ouvrir cette page maintenant ?"
            ),
        )
    } else {
        (
            "Passerelle",
            format!(
                "Passerelle needs the Microsoft Edge WebView2 Runtime, which is not installed \
                 on this computer.\n\nIt is free, from Microsoft: {DOWNLOAD}\n(on a school \
                 computer, ask its administrator).\n\nOpen that page now?"
            ),
        )
    }
}

/// True when the runtime is missing: the learner has been told, and the app must end.
#[cfg(windows)]
pub fn missing<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> bool {
    use tauri_plugin_opener::OpenerExt;
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        MessageBoxW, IDYES, MB_ICONWARNING, MB_SETFOREGROUND, MB_YESNO,
    };
    if tauri::webview_version().is_ok() {
        return false;
    }
    tracing::error!("the Microsoft Edge WebView2 Runtime is missing");
    let (title, text) = words(super::window::language());
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let (title, text) = (wide(title), wide(&text));
    // SAFETY: NUL-terminated strings; no owner window.
    let answer = unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            text.as_ptr(),
            title.as_ptr(),
            MB_YESNO | MB_ICONWARNING | MB_SETFOREGROUND,
        )
    };
    if answer == IDYES {
        let _ = app.opener().open_url(DOWNLOAD, None::<&str>);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_learner_is_told_in_their_language_where_to_get_it() {
        for (language, sentence) in [
            (
                Language::English,
                "Passerelle needs the Microsoft Edge WebView2 Runtime",
            ),
            (
                Language::French,
                "Passerelle a besoin du « Microsoft Edge WebView2 Runtime »",
            ),
        ] {
            let (_, text) = words(language);
            assert!(text.starts_with(sentence), "{language:?}: {text}");
            assert!(text.contains(super::DOWNLOAD));
        }
    }
}
