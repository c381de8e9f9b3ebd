//! How a copy updates itself: a release feed announces a version ([`manifest`]), its
//! artifact is downloaded ([`fetch`]) and run only once its signature checks out with the
//! key the copy carries ([`verify`]); the machine decides when (`machine::updates`), the
//! shell installs it with Tauri's updater.

#[cfg(feature = "client")]
pub mod fetch;
pub mod install;
#[cfg(feature = "client")]
pub mod manifest;
#[cfg(feature = "client")]
pub mod verify;

#[cfg(feature = "client")]
pub use manifest::Release;

/// Why an update was not offered or not installed: logged by name, never with a server's
/// words.
#[cfg(feature = "client")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("the release feed could not be reached")]
    Unreachable,
    #[error("the release feed answered HTTP {0}")]
    Refused(u16),
    #[error("the release feed's answer is not a release manifest")]
    NotAManifest,
    #[error("the release has no artifact for this copy")]
    NoArtifact,
    #[error("the artifact is larger than any release")]
    TooLarge,
    #[error("the artifact stopped coming")]
    Stalled,
    /// Tampered, unsigned, signed with another key, or signed for another version.
    #[error("the artifact's signature does not verify")]
    Unverified,
    /// Signed, but not of the kind this copy was installed as (an NSIS installer for an MSI
    /// copy).
    #[error("the artifact is not of this copy's kind")]
    WrongKind,
    #[error("the update could not be installed: {0}")]
    NotInstalled(String),
}
