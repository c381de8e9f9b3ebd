//! Who installs an update, and what: a copy installed for the whole computer says who does
//! and downloads nothing; an artifact of another kind than the copy, and release notes the
//! copy's key did not sign, are refused.

use std::time::Duration;

use passerelle_core::machine::testing::{RecordingInstaller, Signer};
use passerelle_core::machine::view::{Action, UpdateView};
use passerelle_core::machine::{CommandError, Message};
use passerelle_core::update::install::Bundle;

use super::harness::*;
use super::updates::{
    publish, publish_signed, settings, with_copy, with_installer, ARTIFACT, NOTES,
};

/// A copy installed for the whole computer — a package, or a program its learner could not
/// replace — says who installs the release, with no button, and downloads nothing, with
/// `notify` and with `auto`.
#[tokio::test(start_paused = true)]
async fn a_copy_installed_for_the_computer_says_who_updates_it_and_downloads_nothing() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    publish(&platform, &signer, "0.2.0", "0.2.0", ARTIFACT.clone());
    let copies = [
        // Run by root from a folder it can write: still the package manager's.
        (Bundle::Deb, true, "notify"),
        (Bundle::Deb, false, "auto"),
        (Bundle::AppImage, false, "notify"),
        (Bundle::AppImage, false, "auto"),
    ];
    for (bundle, replaceable, mode) in copies {
        let copy = RecordingInstaller {
            bundle,
            replaceable,
            ..RecordingInstaller::default()
        };
        let (h, installer) = with_copy(settings(&platform, mode, &signer.pubkey()), copy);
        h.signed_out().await;
        let view = h.until("the notice", |v| v.update.is_some()).await;
        let managed = UpdateView::Managed {
            version: "0.2.0".into(),
        };
        assert_eq!(view.update, Some(managed), "{bundle:?} {mode}");
        assert!(!view.actions.contains(&Action::UpdateNow));
        assert!(matches!(h.machine.update_now(), Err(CommandError::NotNow)));
        tokio::time::sleep(Duration::from_secs(60)).await;
        h.machine.install_at_quit();
        assert!(installer.installed.lock().unwrap().is_empty());
        assert_eq!(
            platform.downloads(),
            0,
            "{bundle:?} {mode}: nothing downloaded"
        );
    }
}

/// An artifact the copy's key signed, but of another kind than the copy (a `.deb` for an
/// AppImage), is never installed.
#[tokio::test(start_paused = true)]
async fn an_artifact_of_another_kind_is_never_installed() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let deb = b"!<arch>\ndebian-binary   0           0     0     100644  4".repeat(1000);
    publish_signed(&platform, "0.2.0", signer.sign(&deb, "0.2.0"), None, deb);
    let (h, installer) = with_installer(settings(&platform, "notify", &signer.pubkey()));
    h.signed_out().await;
    h.until("the offer", |v| v.update.is_some()).await;
    h.machine.update_now().unwrap();
    let failed = h
        .until("refused", |v| {
            matches!(v.update, Some(UpdateView::Failed { .. }))
        })
        .await;
    let refused = UpdateView::Failed {
        message: Message::UpdateFailed,
    };
    assert_eq!(failed.update, Some(refused));
    assert!(installer.installed.lock().unwrap().is_empty());
}

/// The notes the window shows after the restart are the ones the copy's key signed for
/// that version: unsigned, a stranger's, or signed for another version, none are shown.
#[tokio::test(start_paused = true)]
async fn release_notes_are_shown_only_when_the_copy_s_key_signed_them() {
    let platform = platform(fast_options()).await;
    let signer = Signer::default();
    let stranger = Signer::default();
    let cases = [
        (Some(signer.sign(NOTES.as_bytes(), "0.2.0")), Some(NOTES)),
        (None, None),
        (Some(stranger.sign(NOTES.as_bytes(), "0.2.0")), None),
        (Some(signer.sign(NOTES.as_bytes(), "0.1.5")), None),
        (Some(signer.sign(b"Other words.", "0.2.0")), None),
    ];
    for (notes_signature, shown) in cases {
        let signature = signer.sign(&ARTIFACT, "0.2.0");
        publish_signed(
            &platform,
            "0.2.0",
            signature,
            notes_signature,
            ARTIFACT.clone(),
        );
        let (h, installer) = with_installer(settings(&platform, "notify", &signer.pubkey()));
        h.signed_out().await;
        h.until("the offer", |v| v.update.is_some()).await;
        h.machine.update_now().unwrap();
        h.until("restarted", |_| *installer.restarts.lock().unwrap() > 0)
            .await;
        let note = std::fs::read_to_string(h.dir.path().join("updated.json")).unwrap();
        let note: serde_json::Value = serde_json::from_str(&note).unwrap();
        assert_eq!(note["notes"].as_str(), shown, "{note}");
    }
}
