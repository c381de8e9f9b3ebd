//! Asking the feed, and downloading the artifact. The feed is asked as the platform is
//! (one client, its proxies, its timeouts, no redirect, answers over 256 KiB refused); the
//! artifact may come from where the feed's host sends it (a release's assets often
//! redirect), over https, within a size and without a pause long enough to mean it stopped.

use std::time::Duration;

use semver::Version;
use url::Url;

use super::{manifest, verify, Release, UpdateError};
use crate::http::{self, Http, HttpError, StatusClass};
use crate::settings::UpdateKey;

/// No release of Passerelle comes near this.
pub const MAX_ARTIFACT_BYTES: u64 = 256 * 1024 * 1024;
/// Longer than this without a byte: the download has stopped.
pub const STALL: Duration = Duration::from_secs(30);
/// A download that trickles (a byte now and then) ends too.
pub const MAX_DOWNLOAD: Duration = Duration::from_secs(30 * 60);

/// The newer release the feed announces for one of `targets`, if any.
pub async fn check(
    http: &Http,
    feed: &Url,
    current: &Version,
    targets: &[String],
) -> Result<Option<Release>, UpdateError> {
    let request = http
        .get(feed.clone())
        .await
        .map_err(|_| UpdateError::Unreachable)?;
    let answer = http::send(request).await.map_err(|e| match e {
        HttpError::TooLarge | HttpError::Garbled(_) => UpdateError::TooLarge,
        _ => UpdateError::Unreachable,
    })?;
    match StatusClass::of(answer.status) {
        StatusClass::Success if answer.status == 204 => Ok(None),
        StatusClass::Success => manifest::parse(&answer.body, current, targets, feed),
        _ => Err(UpdateError::Refused(answer.status)),
    }
}

/// The release's artifact, verified with `key`; `progress` is told the bytes so far and
/// the total when known.
pub async fn download(
    http: &Http,
    release: &Release,
    key: &UpdateKey,
    progress: impl FnMut(u64, Option<u64>),
) -> Result<Vec<u8>, UpdateError> {
    let bytes = tokio::time::timeout(MAX_DOWNLOAD, fetch(http, release, progress))
        .await
        .map_err(|_| UpdateError::Stalled)??;
    verify::verify(&bytes, &release.signature, key, &release.version)?;
    Ok(bytes)
}

async fn fetch(
    http: &Http,
    release: &Release,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Vec<u8>, UpdateError> {
    let request = http
        .download(release.url.clone())
        .await
        .map_err(|_| UpdateError::Unreachable)?
        .response();
    let mut response = tokio::time::timeout(STALL, request)
        .await
        .map_err(|_| UpdateError::Stalled)?
        .map_err(|_| UpdateError::Unreachable)?;
    if !response.status().is_success() {
        return Err(UpdateError::Refused(response.status().as_u16()));
    }
    let total = response.content_length();
    if total.is_some_and(|t| t > MAX_ARTIFACT_BYTES) {
        return Err(UpdateError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(total.unwrap_or(0).min(MAX_ARTIFACT_BYTES) as usize);
    progress(0, total);
    loop {
        let chunk = tokio::time::timeout(STALL, response.chunk())
            .await
            .map_err(|_| UpdateError::Stalled)?
            .map_err(|_| UpdateError::Unreachable)?;
        let Some(chunk) = chunk else { break };
        if bytes.len() as u64 + chunk.len() as u64 > MAX_ARTIFACT_BYTES {
            return Err(UpdateError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
        progress(bytes.len() as u64, total);
    }
    Ok(bytes)
}
