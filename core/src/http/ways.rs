//! The way to each address, found as the settings say — the environment's proxies, the
//! desktop's, or the system's resolver — with a PAC file fetched once (directly, as
//! browsers fetch it) and evaluated for each address. A PAC file that cannot be fetched or
//! evaluated means directly, and the log says so.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

use super::limits::Timeouts;
use super::proxy::{Desktop, EnvProxies, Proxies, Route};
use crate::sync::LockAnyway;

/// How long a PAC file that could not be fetched is not asked again.
const RETRY_PAC: Duration = Duration::from_secs(300);
/// How long the system's answer for an origin is kept: its automatic configuration (WPAD's
/// detection above all) can take seconds where the network has none, and a sign-in asks the
/// platform every few seconds.
const KEEP_SYSTEM_ANSWER: Duration = Duration::from_secs(300);

/// The way to each address, as found when the first request was made.
pub enum Ways {
    Direct,
    Env(EnvProxies),
    Desktop {
        desktop: Box<Desktop>,
        pac: tokio::sync::Mutex<Option<Fetched>>,
        timeouts: Timeouts,
    },
    /// The system's own resolver (WinHTTP, CFNetwork), and its answers by origin.
    #[cfg_attr(not(any(windows, target_os = "macos")), allow(dead_code))]
    System(std::sync::Mutex<HashMap<String, (Instant, Route)>>),
}

/// A PAC file as fetched: its text, or why not, and when.
pub struct Fetched {
    at: Instant,
    script: Result<Arc<str>, String>,
}

impl Ways {
    pub fn new(proxies: &Proxies, timeouts: Timeouts) -> Self {
        let desktop = |desktop| Ways::Desktop {
            desktop: Box::new(desktop),
            pac: tokio::sync::Mutex::new(None),
            timeouts,
        };
        match proxies {
            Proxies::Direct => Ways::Direct,
            Proxies::Env(env) => Ways::Env(env.clone()),
            Proxies::Desktop(given) => desktop(given.clone()),
            Proxies::System(env) => {
                let proxies = EnvProxies::from_env(|name| env.get(name).cloned());
                if !proxies.is_empty() {
                    return Ways::Env(proxies);
                }
                #[cfg(target_os = "linux")]
                return desktop(super::proxy::on_linux::desktop(&|name| {
                    env.get(name).cloned()
                }));
                #[cfg(any(windows, target_os = "macos"))]
                return Ways::System(Default::default());
                #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
                return Ways::Direct;
            }
        }
    }

    /// The way to `url`.
    pub async fn route(&self, url: &Url) -> Route {
        match self {
            Ways::Direct => Route::Direct,
            Ways::Env(env) => env.route(url),
            Ways::Desktop {
                desktop,
                pac,
                timeouts,
            } => match desktop.as_ref() {
                Desktop::None => Route::Direct,
                Desktop::Manual(manual) => manual.route(url),
                Desktop::Pac { exceptions, .. } if exceptions.cover(url) => Route::Direct,
                Desktop::Pac { url: pac_url, .. } => {
                    let pac_url = pac_url
                        .clone()
                        .unwrap_or_else(|| Url::parse(super::proxy::WPAD).expect("an address"));
                    by_pac(pac, &pac_url, url, *timeouts).await
                }
            },
            Ways::System(known) => {
                let origin = url.origin().ascii_serialization();
                let kept = known.lock_anyway().get(&origin).cloned();
                match kept {
                    Some((at, route)) if at.elapsed() < KEEP_SYSTEM_ANSWER => route,
                    _ => {
                        let route = system_route(url).await;
                        known
                            .lock_anyway()
                            .insert(origin, (Instant::now(), route.clone()));
                        route
                    }
                }
            }
        }
    }
}

#[cfg(any(windows, target_os = "macos"))]
async fn system_route(url: &Url) -> Route {
    let target = url.clone();
    #[cfg(windows)]
    let found = tokio::task::spawn_blocking(move || super::proxy::on_windows::route(&target)).await;
    #[cfg(target_os = "macos")]
    let found = tokio::task::spawn_blocking(move || super::proxy::on_macos::route(&target)).await;
    match found {
        Ok((route, None)) => route,
        Ok((route, Some(why))) => {
            tracing::warn!(%why, "the automatic proxy configuration did not answer");
            route
        }
        Err(_) => Route::Direct,
    }
}

#[cfg(not(any(windows, target_os = "macos")))]
async fn system_route(_: &Url) -> Route {
    Route::Direct
}

/// The way the PAC file at `pac_url` gives for `url`; directly when it cannot.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
async fn by_pac(
    cache: &tokio::sync::Mutex<Option<Fetched>>,
    pac_url: &Url,
    url: &Url,
    timeouts: Timeouts,
) -> Route {
    let origin = crate::settings::origin_of(pac_url);
    let script = {
        let mut cache = cache.lock().await;
        let stale = match cache.as_ref() {
            None => true,
            Some(f) => f.script.is_err() && f.at.elapsed() > RETRY_PAC,
        };
        if stale {
            let script = fetch(pac_url, timeouts).await.map(Arc::from);
            if let Err(why) = &script {
                tracing::warn!(pac = %origin, %why, "the PAC file cannot be fetched; going directly");
            }
            *cache = Some(Fetched {
                at: Instant::now(),
                script,
            });
        }
        match cache.as_ref().map(|f| &f.script) {
            Some(Ok(script)) => script.clone(),
            _ => return Route::Direct,
        }
    };
    #[cfg(target_os = "linux")]
    {
        let target = url.clone();
        let answer =
            tokio::task::spawn_blocking(move || super::proxy::pac::evaluate(&script, &target))
                .await;
        match answer {
            Ok(Ok(answer)) => super::proxy::route_of_pac_answer(&answer),
            Ok(Err(why)) => {
                tracing::warn!(pac = %origin, %why, "the PAC file cannot be evaluated; going directly");
                Route::Direct
            }
            Err(_) => Route::Direct,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = script;
        Route::Direct
    }
}

/// The PAC file's text, fetched directly, within a size and the timeouts.
async fn fetch(pac_url: &Url, timeouts: Timeouts) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|e| e.to_string())?;
    let mut response = client
        .get(pac_url.clone())
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status().as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| e.without_url().to_string())?
    {
        if body.len() + chunk.len() > super::proxy::PAC_BYTES {
            return Err("larger than any PAC file".into());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "not text".into())
}
