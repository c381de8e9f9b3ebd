//! Updates: the feed asked after the first paint, the offer in the calm views, the download's
//! progress, and nothing installed that the copy's key did not sign for that version.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use demo_platform::DemoPlatform;
use passerelle_core::machine::testing::{appimage, RecordingInstaller, Signer};
use passerelle_core::machine::view::{Action, Screen, UpdateView};
use passerelle_core::machine::{CommandError, Message};
use passerelle_core::settings::{Key, RawSettings};

use super::harness::*;

/// The release's artifact: an AppImage, as the recording installer's copy is by default.
pub(super) static ARTIFACT: LazyLock<Vec<u8>> = LazyLock::new(|| appimage(3 * 1024 * 1024));

pub(super) const NOTES: &str = "Faster start.\nClearer messages.";

/// Publishes `version` on the platform's feed, its artifact signed by `signer` for
/// `signed_for`; `served` is what is actually downloaded. The notes are signed alike.
pub(super) fn publish(
    platform: &DemoPlatform,
    signer: &Signer,
    version: &str,
    signed_for: &str,
    served: Vec<u8>,
) {
    let notes_signature = signer.sign(NOTES.as_bytes(), signed_for);
    publish_signed(
        platform,
        version,
        signer.sign(&ARTIFACT, signed_for),
        Some(notes_signature),
        served,
    );
}

/// Publishes `version`, its artifact `served` with `signature`, its notes with
/// `notes_signature`, for an AppImage copy and a `.deb` one.
pub(super) fn publish_signed(
    platform: &DemoPlatform,
    version: &str,
    signature: String,
    notes_signature: Option<String>,
    served: Vec<u8>,
) {
    let url = platform.host_artifact("passerelle.AppImage", served, Duration::from_millis(200));
    let artifact = serde_json::json!({"url": url, "signature": signature});
    platform.publish(
        &serde_json::json!({
            "version": version,
            "notes": NOTES,
            "notes_signature": notes_signature,
            "pub_date": "2026-12-01T00:00:00Z",
            "platforms": {"linux-x86_64-appimage": artifact, "linux-x86_64-deb": artifact}
        })
        .to_string(),
    );
}

/// The learner's `mode`, and the feed and key as a distribution file gives them (a
/// learner's layer cannot).
pub(super) struct Settings(RawSettings, RawSettings);

pub(super) fn settings(platform: &DemoPlatform, mode: &str, pubkey: &str) -> Settings {
    Settings(
        raw_settings(platform).with(Key::Updates, mode),
        RawSettings::default()
            .with(Key::UpdateUrl, platform.feed_url())
            .with(Key::UpdatePubkey, pubkey),
    )
}

pub(super) fn with_installer(settings: Settings) -> (Harness, Arc<RecordingInstaller>) {
    with_copy(settings, RecordingInstaller::default())
}

/// The app, updated by `installer`.
pub(super) fn with_copy(
    Settings(flags, build): Settings,
    installer: RecordingInstaller,
) -> (Harness, Arc<RecordingInstaller>) {
    let installer = Arc::new(installer);
    let h = start(Setup {
        installer: Some(installer.clone()),
        build,
        ..Setup::new(flags)
    });
    (h, installer)
}

/// Release 0.2.0 on the feed, signed with the copy's key, and the app signed out with the
/// learner's `mode`.
async fn signed_out_with_a_release(mode: &str) -> (DemoPlatform, Harness, Arc<RecordingInstaller>) {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    publish(&platform, &signer, "0.2.0", "0.2.0", ARTIFACT.to_vec());
    let (h, installer) = with_installer(settings(&platform, mode, &signer.pubkey()));
    h.signed_out().await;
    (platform, h, installer)
}

pub(super) fn update(h: &Harness) -> Option<UpdateView> {
    h.machine.view().update
}

#[tokio::test(start_paused = true)]
async fn offered_then_downloaded_with_its_progress_installed_and_restarted() {
    let (platform, h, installer) = signed_out_with_a_release("notify").await;
    // After the first paint, not before: the window's first view has no offer.
    assert_eq!(update(&h), None);
    assert_eq!(platform.feed_requests(), 0);
    let offered = h.until("the offer", |v| v.update.is_some()).await;
    assert_eq!(
        offered.update,
        Some(UpdateView::Available {
            version: "0.2.0".into()
        })
    );
    assert!(offered.actions.contains(&Action::UpdateNow));
    // In about too; not over the settings, nor during a sign-in.
    h.machine.open_about();
    assert!(matches!(update(&h), Some(UpdateView::Available { .. })));
    h.machine.close_overlay();
    h.machine.open_settings();
    assert_eq!(update(&h), None);
    h.machine.close_overlay();
    h.machine.start_sign_in().unwrap();
    h.code().await;
    assert_eq!(update(&h), None);
    assert!(matches!(h.machine.update_now(), Err(CommandError::NotNow)));
    h.machine.cancel_sign_in();
    h.signed_out().await;

    h.machine.update_now().unwrap();
    // The restart comes last, off the async workers: wait for it, not for the install.
    let done = h
        .until("restarted", |_| *installer.restarts.lock().unwrap() > 0)
        .await;
    assert!(matches!(done.screen, Screen::SignedOut { .. }));
    assert_eq!(
        *installer.installed.lock().unwrap(),
        vec![("0.2.0".to_string(), ARTIFACT.len())]
    );
    assert_eq!(*installer.restarts.lock().unwrap(), 1);
    // The window showed how far it was, of the total, on the way.
    let progress: Vec<_> = h
        .window
        .views()
        .into_iter()
        .filter_map(|v| match v.update {
            Some(UpdateView::Downloading { done, total, .. }) => Some((done, total)),
            _ => None,
        })
        .collect();
    assert!(progress.len() >= 3, "{progress:?}");
    // The first before the answer came, the rest of the total it announced.
    assert_eq!(progress[0], (0, None));
    let total = Some(ARTIFACT.len() as u64);
    assert!(
        progress[1..].iter().all(|(_, t)| *t == total),
        "{progress:?}"
    );
    assert!(progress.windows(2).all(|w| w[0].0 <= w[1].0));
    // The note waits for the restart.
    let note = std::fs::read_to_string(h.dir.path().join("updated.json")).unwrap();
    assert!(
        note.contains("0.2.0") && note.contains("Faster start."),
        "{note}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_sign_in_begun_during_the_download_is_not_cut_short() {
    let (_platform, h, installer) = signed_out_with_a_release("notify").await;
    h.until("the offer", |v| v.update.is_some()).await;
    h.machine.update_now().unwrap();
    h.machine.start_sign_in().unwrap();
    h.code().await;
    // Downloaded while the code is shown (the line then waits for a calm view): kept for
    // the next quit, no restart.
    h.until("downloaded", |v| v.update.is_none()).await;
    assert!(matches!(h.screen(), Screen::CodeShown(_)));
    h.machine.cancel_sign_in();
    let ready = h
        .until("ready", |v| {
            matches!(v.update, Some(UpdateView::Ready { .. }))
        })
        .await;
    assert!(matches!(ready.screen, Screen::SignedOut { .. }));
    assert!(installer.installed.lock().unwrap().is_empty());
    assert_eq!(*installer.restarts.lock().unwrap(), 0);
    h.machine.install_at_quit();
    assert_eq!(installer.installed.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn tampered_unsigned_or_another_keys_artifact_is_never_installed() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let stranger = Signer::default();
    let mut tampered = ARTIFACT.clone();
    tampered[1000] ^= 1;
    let cases: [(&Signer, &str, Vec<u8>); 3] = [
        (&signer, "0.2.0", tampered),
        (&stranger, "0.2.0", ARTIFACT.to_vec()),
        // Genuine, but signed for another version: an old release under a new number.
        (&signer, "0.1.5", ARTIFACT.to_vec()),
    ];
    for (by, signed_for, served) in cases {
        publish(&platform, by, "0.2.0", signed_for, served);
        let (h, installer) = with_installer(settings(&platform, "notify", &signer.pubkey()));
        h.signed_out().await;
        h.until("the offer", |v| v.update.is_some()).await;
        h.machine.update_now().unwrap();
        let failed = h
            .until("refused", |v| {
                matches!(v.update, Some(UpdateView::Failed { .. }))
            })
            .await;
        assert_eq!(
            failed.update,
            Some(UpdateView::Failed {
                message: Message::UpdateUnverified
            })
        );
        assert!(installer.installed.lock().unwrap().is_empty());
        assert_eq!(*installer.restarts.lock().unwrap(), 0);
        // The app goes on as it was; the learner dismisses the line.
        assert!(matches!(failed.screen, Screen::SignedOut { .. }));
        assert!(failed.actions.contains(&Action::DismissUpdate));
        h.machine.dismiss_update();
        assert_eq!(update(&h), None);
    }
}

#[tokio::test(start_paused = true)]
async fn what_is_not_a_newer_release_is_ignored() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let valid = |version: &str| {
        serde_json::json!({"version": version, "platforms": {"linux-x86_64-appimage": {
            "url": format!("{}/updates/files/x", platform.auth_url()), "signature": "c2ln"}}})
        .to_string()
    };
    let huge = format!(
        "{{\"version\":\"9.0.0\",\"notes\":\"{}\"}}",
        "x".repeat(300_000)
    );
    for body in [
        valid("0.1.0"),
        valid("0.0.9"),
        "<html>maintenance</html>".to_string(),
        huge,
        r#"{"version":"0.2.0","platforms":{"windows-x86_64":{"url":"https://x/a.msi","signature":"s"}}}"#.into(),
    ] {
        platform.publish(&body);
        let (h, installer) = with_installer(settings(&platform, "notify", &signer.pubkey()));
        h.signed_out().await;
        let before = platform.feed_requests();
        h.until("asked", |_| platform.feed_requests() > before).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(update(&h), None, "{}", &body[..body.len().min(80)]);
        assert!(installer.installed.lock().unwrap().is_empty());
    }
}

#[tokio::test(start_paused = true)]
async fn off_asks_nothing_and_a_day_passes_between_checks() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let (h, _) = with_installer(settings(&platform, "off", &signer.pubkey()));
    h.signed_out().await;
    tokio::time::sleep(Duration::from_secs(3 * 24 * 3600)).await;
    assert_eq!(platform.feed_requests(), 0);

    let (h, _) = with_installer(settings(&platform, "notify", &signer.pubkey()));
    h.signed_out().await;
    let before = platform.feed_requests();
    h.until("asked once", |_| platform.feed_requests() == before + 1)
        .await;
    tokio::time::sleep(Duration::from_secs(23 * 3600)).await;
    assert_eq!(platform.feed_requests(), before + 1);
    tokio::time::sleep(Duration::from_secs(2 * 3600)).await;
    assert_eq!(platform.feed_requests(), before + 2);
}

#[tokio::test(start_paused = true)]
async fn auto_downloads_quietly_and_installs_at_quit() {
    let (_platform, h, installer) = signed_out_with_a_release("auto").await;
    h.machine.open_about();
    let ready = h
        .until("downloaded", |v| {
            matches!(v.update, Some(UpdateView::Ready { .. }))
        })
        .await;
    assert!(matches!(ready.screen, Screen::About { .. }));
    h.machine.close_overlay();
    // Nothing to do for the learner: the line says when it will be installed.
    assert!(matches!(update(&h), Some(UpdateView::Ready { .. })));
    assert!(!h.machine.view().actions.contains(&Action::UpdateNow));
    assert!(installer.installed.lock().unwrap().is_empty());
    h.machine.install_at_quit();
    assert_eq!(
        *installer.installed.lock().unwrap(),
        vec![("0.2.0".to_string(), ARTIFACT.len())]
    );
    assert_eq!(*installer.restarts.lock().unwrap(), 0);
}

/// The app of `settings` (flags, build), with `dir`'s files.
fn start_with(dir: tempfile::TempDir, Settings(flags, build): Settings) -> Harness {
    start_in(
        dir,
        Setup {
            build,
            ..Setup::new(flags)
        },
    )
}

#[tokio::test(start_paused = true)]
async fn after_the_restart_the_window_says_once_what_was_installed() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let copy = || settings(&platform, "notify", &signer.pubkey());
    let note_signed_by = |signer: &Signer| {
        serde_json::json!({
            "version": "0.1.0",
            "notes": NOTES,
            "notes_signature": signer.sign(NOTES.as_bytes(), "0.1.0"),
        })
        .to_string()
    };
    let h = start(Setup::new(raw_settings(&platform)));
    let note = h.dir.path().join("updated.json");
    std::fs::write(&note, note_signed_by(&signer)).unwrap();
    drop(h.machine);
    // The harness starts version 0.1.0 with the note left in its folder.
    let again = start_with(h.dir, copy());
    let view = again.until("the note", |v| v.update.is_some()).await;
    assert_eq!(
        view.update,
        Some(UpdateView::Updated {
            version: "0.1.0".into(),
            notes: Some(NOTES.into())
        })
    );
    assert!(view.actions.contains(&Action::DismissUpdate));
    again.machine.dismiss_update();
    assert_eq!(update(&again), None);
    assert!(!note.exists(), "read: not said again");
    // Notes the copy's key did not sign — the file is the learner's, anything running as
    // them could have written it — are not shown.
    std::fs::write(&note, note_signed_by(&Signer::default())).unwrap();
    drop(again.machine);
    let again = start_with(again.dir, copy());
    let view = again.until("the note", |v| v.update.is_some()).await;
    assert_eq!(
        view.update,
        Some(UpdateView::Updated {
            version: "0.1.0".into(),
            notes: None
        })
    );
    again.machine.dismiss_update();
    // A note for another version (an install that did not go through) is not shown.
    std::fs::write(&note, r#"{"version":"0.3.0","notes":null}"#).unwrap();
    drop(again.machine);
    let third = start_with(again.dir, copy());
    third.signed_out().await;
    assert_eq!(update(&third), None);
    assert!(!note.exists());
}
