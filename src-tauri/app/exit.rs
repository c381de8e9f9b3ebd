//! The end of the app, as the system brings it: the window closed, the app quit, a signal
//! (SIGTERM, SIGHUP, SIGINT at log-out or shut-down), logind's notice that the system shuts
//! down, and — through tao, as the app's last event — Windows' end-of-session messages and
//! macOS's power-off. On a shared computer the session ends first, here and on the
//! platform, within the usual bound. A release downloaded meanwhile is installed only when
//! the learner quit, never while the system ends the session.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use passerelle_core::machine::Machine;
use tauri::{AppHandle, Manager, RunEvent, Runtime, Window, WindowEvent};

/// Longer than the revocation's own bound: the end is never cut short by this.
const LAST_CHANCE: Duration = Duration::from_secs(8);

/// How this app is ending.
#[derive(Default)]
pub struct Ending {
    /// The session has been ended for the app's end: the next request goes through.
    ended: AtomicBool,
    /// The learner asked to quit — closed the window, quit — which tao says with
    /// `ExitRequested`. Windows' end of session comes as `Exit` alone.
    asked: AtomicBool,
    /// The system ends the learner's session (a signal, logind): no time for an installer.
    system_ends: AtomicBool,
}

impl Ending {
    /// Only a quit the learner asked for installs a release downloaded meanwhile: an
    /// installer cut short by a log-off or a shut-down would leave the copy broken.
    fn may_install(&self) -> bool {
        self.asked.load(Ordering::SeqCst) && !self.system_ends.load(Ordering::SeqCst)
    }
}

/// The system ends the learner's session.
#[cfg(unix)]
fn system_ends<R: Runtime>(app: &AppHandle<R>) {
    app.state::<Ending>()
        .system_ends
        .store(true, Ordering::SeqCst);
    app.exit(0);
}

/// The window's close button: the session ends first, then the window closes.
pub fn on_close<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    if hold(window.app_handle()) {
        api.prevent_close();
    }
}

/// Quit, or the last window gone: the session ends first, then the app. And as the very
/// last event (which cannot wait for a task), the same within a bound.
pub fn on_run_event<R: Runtime>(app: &AppHandle<R>, event: &RunEvent) {
    match event {
        RunEvent::ExitRequested { api, .. } => {
            app.state::<Ending>().asked.store(true, Ordering::SeqCst);
            if hold(app) {
                api.prevent_exit();
            }
        }
        RunEvent::Exit => {
            let machine = app.state::<Machine>().inner().clone();
            if machine.ends_with_the_app() {
                tauri::async_runtime::block_on(async {
                    let _ = tokio::time::timeout(LAST_CHANCE, machine.end_with_the_app()).await;
                });
            }
            if app.state::<Ending>().may_install() {
                machine.install_at_quit();
            } else {
                tracing::info!("the system ends the app: nothing is installed");
            }
        }
        _ => {}
    }
}

/// When the session must end with the app and has not yet: ends it in the background, then
/// exits; true while that is under way (the close or the exit waits).
fn hold<R: Runtime>(app: &AppHandle<R>) -> bool {
    let machine = app.state::<Machine>().inner().clone();
    if app.state::<Ending>().ended.load(Ordering::SeqCst) || !machine.ends_with_the_app() {
        return false;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let _ = tokio::time::timeout(LAST_CHANCE, machine.end_with_the_app()).await;
        app.state::<Ending>().ended.store(true, Ordering::SeqCst);
        app.exit(0);
    });
    true
}

/// What the system says when the learner's session ends: the signals a log-out or a
/// shut-down sends, and logind's notice of a shut-down. Each asks the app to exit, which
/// ends a shared computer's session first.
pub fn listen<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(unix)]
    {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
                signal(SignalKind::interrupt()),
            ) else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
                _ = int.recv() => {}
            }
            tracing::info!("the system asks Passerelle to end");
            system_ends(&app);
        });
    }
    #[cfg(target_os = "linux")]
    logind::listen(app.clone());
    #[cfg(not(unix))]
    let _ = app;
}

/// logind (systemd): `PrepareForShutdown`, with a delay inhibitor held meanwhile, so that a
/// shut-down waits for the session to end (at most logind's `InhibitDelayMaxSec`); and
/// `PrepareForSleep`, before which a shared computer's session ends too — a lab computer
/// that sleeps with a profile on screen wakes signed out. The sleep's inhibitor is let go
/// once the session has ended, and taken again on waking.
#[cfg(target_os = "linux")]
mod logind {
    use passerelle_core::machine::Machine;
    use tauri::{AppHandle, Manager, Runtime};
    use zbus::zvariant::OwnedFd;

    pub fn listen<R: Runtime>(app: AppHandle<R>) {
        let _ = std::thread::Builder::new()
            .name("logind".into())
            .spawn(move || {
                if let Err(e) = watch(&app) {
                    tracing::debug!(error = %e, "no logind to listen to");
                }
            });
    }

    fn watch<R: Runtime>(app: &AppHandle<R>) -> zbus::Result<()> {
        let connection = zbus::blocking::Connection::system()?;
        let manager = zbus::blocking::Proxy::new(
            &connection,
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager",
        )?;
        let inhibit = |what: &str| -> zbus::Result<OwnedFd> {
            manager.call(
                "Inhibit",
                &(
                    what,
                    "Passerelle",
                    "Ending the session of a shared computer",
                    "delay",
                ),
            )
        };
        // Held until this process ends: logind waits for it before shutting down. Without
        // it, the signals are still worth hearing.
        let _shutdown = inhibit("shutdown")
            .inspect_err(|e| tracing::info!(error = %e, "logind does not wait for the app"))
            .ok();
        let mut sleep = inhibit("sleep").ok();
        for signal in manager.receive_all_signals()? {
            let member = signal.header().member().map(|m| m.to_string());
            let starting = signal.body().deserialize::<bool>().unwrap_or(false);
            match member.as_deref() {
                Some("PrepareForShutdown") if starting => {
                    tracing::info!("the system shuts down");
                    super::system_ends(app);
                }
                Some("PrepareForSleep") if starting => {
                    tracing::info!("the system is about to sleep");
                    let machine = app.state::<Machine>().inner().clone();
                    tauri::async_runtime::block_on(async {
                        let ending = machine.end_before_sleep();
                        let _ = tokio::time::timeout(super::LAST_CHANCE, ending).await;
                    });
                    sleep = None;
                }
                Some("PrepareForSleep") => sleep = sleep.or_else(|| inhibit("sleep").ok()),
                _ => {}
            }
        }
        Ok(())
    }
}
