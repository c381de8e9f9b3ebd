//! The languages Passerelle speaks, chosen from the system's locale: in one place for the
//! native dialogs, the message a Windows without WebView2 shows, and the page (which is
//! told the language rather than guessing it).

/// English, or French.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    French,
}

impl Language {
    /// The language for a locale (`fr-FR`, `fr_CA.UTF-8`, `C`…): French for any French,
    /// English for anything else.
    pub fn of(locale: &str) -> Self {
        let language = locale
            .trim()
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("");
        if language.eq_ignore_ascii_case("fr") {
            Language::French
        } else {
            Language::English
        }
    }

    /// As BCP 47 names it: `en`, `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_for_any_french_and_english_otherwise() {
        for locale in ["fr", "fr-FR", "fr_CA.UTF-8", "FR-be"] {
            assert_eq!(Language::of(locale), Language::French, "{locale}");
        }
        for locale in ["en-GB", "C", "de_DE", "", "fy-NL", "frr"] {
            assert_eq!(Language::of(locale), Language::English, "{locale}");
        }
        assert_eq!(Language::French.code(), "fr");
    }
}
