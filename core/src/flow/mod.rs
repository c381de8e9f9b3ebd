//! The OAuth 2.0 Device Authorization Grant (RFC 8628), as Passerelle runs it:
//!
//! 0. [`discovery`]: find the endpoints — the settings, else the server's RFC 8414
//!    metadata (its `issuer` and every endpoint checked by [`origin`]), else the
//!    platform's documented paths.
//! 1. [`DeviceFlowClient::start_sign_in`]: POST the client id to the device authorization
//!    endpoint; the answer ([`protocol`]) holds a device code (a [`secret`]), the user
//!    code the learner types, and the verification page, which is trusted only on the
//!    platform's origin ([`Verification`]).
//! 2. [`DeviceFlowClient::wait_for_token`]: poll the token endpoint at the pace the server
//!    sets ([`poll`]): `authorization_pending` waits, `slow_down` adds five seconds for
//!    good, network trouble backs off, and the code's deadline ends it.
//! 3. [`DeviceFlowClient::fetch_profile`]: call the API with the access token.
//!
//! Every request goes through [`crate::http`]: one kept-alive client, timeouts, no
//! redirects, and answers over 256 KiB refused unread; what every answer means is
//! [`answer::success`]. What fails is a [`FlowError`], and [`FlowError::retry_reason`] says
//! whether it may pass.

pub mod answer;
pub mod client;
pub mod discovery;
pub mod error;
pub mod origin;
pub mod poll;
pub mod protocol;
pub mod secret;

pub use client::{DeviceFlowClient, PendingSignIn, Verification};
pub use discovery::Endpoints;
pub use error::{FlowError, MetadataError, RetryReason};
pub use poll::PollProgress;
pub use protocol::{DeviceAuthorization, ErrorCode, Profile, TokenResponse};
pub use secret::{AccessToken, DeviceCode, RefreshToken};
