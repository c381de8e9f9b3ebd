//! What an administrator reads of each setting in the policy templates, in English and in
//! French, and the value the samples give it. A setting added without its words does not
//! compile.

use crate::language::Language;
use crate::settings::{Key, Written};

/// The setting's name in the Group Policy editor.
pub fn title(key: Key, language: Language) -> &'static str {
    let (en, fr) = match key {
        Key::AuthUrl => ("Platform address", "Adresse de la plateforme"),
        Key::ApiUrl => ("API address", "Adresse de l’API"),
        Key::ClientId => ("Client id", "Identifiant client"),
        Key::Scope => ("Scope", "Portée (scope)"),
        Key::DeviceAuthorizationEndpoint => (
            "Device authorization endpoint",
            "Point d’autorisation de l’appareil",
        ),
        Key::TokenEndpoint => ("Token endpoint", "Point des jetons"),
        Key::RevocationEndpoint => ("Revocation endpoint", "Point de révocation"),
        Key::ProfileEndpoint => ("Profile endpoint", "Point du profil"),
        Key::AllowedHosts => ("Other allowed sites", "Autres sites autorisés"),
        Key::TokenStore => ("Where the session is kept", "Où la session est gardée"),
        Key::RememberSession => (
            "Remember the session on this computer",
            "Mémoriser la session sur cet ordinateur",
        ),
        Key::SignOutWhenIdle => (
            "Sign out after this long without use",
            "Déconnecter après cette durée sans utilisation",
        ),
        Key::Updates => ("Updates", "Mises à jour"),
        Key::UpdateUrl => (
            "Where updates are announced",
            "Où les mises à jour sont annoncées",
        ),
        Key::UpdatePubkey => (
            "Key updates are signed with",
            "Clé qui signe les mises à jour",
        ),
    };
    pick(language, en, fr)
}

/// What the setting does, for the policy's explanation.
pub fn explain(key: Key, language: Language) -> &'static str {
    let (en, fr) = match key {
        Key::AuthUrl => (
            "The address of the learning platform's authorization server, as in a browser (for example https://moncampus.fr). Setting it also decides every setting that belongs to the platform: when it is mandatory, no learner can send the platform's tokens elsewhere.",
            "L’adresse du serveur d’autorisation de la plateforme, comme dans un navigateur (par exemple https://moncampus.fr). Elle décide aussi de tous les réglages propres à la plateforme : imposée, aucun élève ne peut envoyer les jetons de la plateforme ailleurs.",
        ),
        Key::ApiUrl => (
            "The address of the platform's API, when it is not the authorization server's.",
            "L’adresse de l’API de la plateforme, quand ce n’est pas celle du serveur d’autorisation.",
        ),
        Key::ClientId => (
            "The client id the platform registered for Passerelle. It is not a secret.",
            "L’identifiant client que la plateforme a enregistré pour Passerelle. Ce n’est pas un secret.",
        ),
        Key::Scope => (
            "The OAuth scope Passerelle asks for, when the platform needs one.",
            "La portée OAuth que Passerelle demande, quand la plateforme en exige une.",
        ),
        Key::DeviceAuthorizationEndpoint => (
            "Where Passerelle asks for a sign-in code. By default, from the server's metadata, else the platform's own path.",
            "Où Passerelle demande un code de connexion. Par défaut, celui des métadonnées du serveur, sinon le chemin de la plateforme.",
        ),
        Key::TokenEndpoint => (
            "Where Passerelle asks for tokens. By default, from the server's metadata, else the platform's own path.",
            "Où Passerelle demande les jetons. Par défaut, celui des métadonnées du serveur, sinon le chemin de la plateforme.",
        ),
        Key::RevocationEndpoint => (
            "Where Passerelle ends a session on the platform. By default, from the server's metadata, else the platform's own path.",
            "Où Passerelle met fin à une session sur la plateforme. Par défaut, celui des métadonnées du serveur, sinon le chemin de la plateforme.",
        ),
        Key::ProfileEndpoint => (
            "Where Passerelle reads the learner's profile. By default, the platform's path under the API address.",
            "Où Passerelle lit le profil de l’élève. Par défaut, le chemin de la plateforme sous l’adresse de l’API.",
        ),
        Key::AllowedHosts => (
            "Other sites (host, or host:port) the platform's pages and endpoints may be on, one per line.",
            "D’autres sites (hôte, ou hôte:port) où peuvent se trouver les pages et les points de la plateforme, un par ligne.",
        ),
        Key::TokenStore => (
            "Where the session is kept: keychain (the system's keychain, the default) or memory (for this run only).",
            "Où la session est gardée : keychain (le trousseau du système, par défaut) ou memory (pour cette exécution seulement).",
        ),
        Key::RememberSession => (
            "Enabled (the default), a learner stays signed in between runs. Disabled, for a computer shared by a class: the session lives in memory only, and ends — here and on the platform — when Passerelle closes, the system's session ends or the computer sleeps.",
            "Activé (par défaut), l’élève reste connecté d’une exécution à l’autre. Désactivé, pour un ordinateur partagé par une classe : la session ne vit qu’en mémoire et prend fin — ici et sur la plateforme — quand Passerelle se ferme, que la session du système se termine ou que l’ordinateur se met en veille.",
        ),
        Key::SignOutWhenIdle => (
            "After this long without the learner using the window, the session ends: a duration such as 15m or 1h, or off (the default).",
            "Après cette durée sans que l’élève utilise la fenêtre, la session prend fin : une durée telle que 15m ou 1h, ou off (par défaut).",
        ),
        Key::Updates => (
            "notify (the default) offers a new version; auto downloads it and installs it when Passerelle quits; off asks nothing of any update address. A copy installed for the whole computer is updated by the system or the school, never by itself.",
            "notify (par défaut) propose une nouvelle version ; auto la télécharge et l’installe quand Passerelle se ferme ; off ne demande rien à aucune adresse de mise à jour. Une copie installée pour tout l’ordinateur est mise à jour par le système ou l’établissement, jamais par elle-même.",
        ),
        Key::UpdateUrl => (
            "The https:// address of the release feed (latest.json) this copy's updates are announced in.",
            "L’adresse https:// du flux des versions (latest.json) où les mises à jour de cette copie sont annoncées.",
        ),
        Key::UpdatePubkey => (
            "The public key this copy's updates are signed with, as tauri signer generate writes it.",
            "La clé publique qui signe les mises à jour de cette copie, telle que tauri signer generate l’écrit.",
        ),
    };
    pick(language, en, fr)
}

/// The value the samples give the setting.
pub fn example(key: Key) -> Written {
    let text = |s: &str| Written::Text(s.into());
    match key {
        Key::AuthUrl => text("https://moncampus.fr"),
        Key::ApiUrl => text("https://api.moncampus.fr"),
        Key::ClientId => text("passerelle"),
        Key::Scope => text("read"),
        Key::DeviceAuthorizationEndpoint => text("https://moncampus.fr/oauth/authorize_device"),
        Key::TokenEndpoint => text("https://moncampus.fr/oauth/token"),
        Key::RevocationEndpoint => text("https://moncampus.fr/oauth/revoke"),
        Key::ProfileEndpoint => text("https://api.moncampus.fr/api/v1/users/current_user"),
        Key::AllowedHosts => Written::List(vec!["sso.moncampus.fr".into()]),
        Key::TokenStore => text("keychain"),
        Key::RememberSession => Written::Flag(false),
        Key::SignOutWhenIdle => text("15m"),
        Key::Updates => text("notify"),
        Key::UpdateUrl => text("https://moncampus.fr/passerelle/latest.json"),
        // A minisign public key, as `tauri signer generate` writes it (the .pub file's text).
        Key::UpdatePubkey => text("dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IDI2QjJEQjg2QjA2RTc5QTcKUldTbmVXNndodHV5SmxRTXBNNFViRXo4d1hLK3Yyb3VtZWZPeUxNNDYyRGcyazZKYnlmVU9SZk8K"),
    }
}

fn pick(language: Language, en: &'static str, fr: &'static str) -> &'static str {
    match language {
        Language::English => en,
        Language::French => fr,
    }
}
