//! The three secrets of a sign-in — the device code, the access token and the refresh
//! token — each a type of its own, so that a request takes only the one it may carry: the
//! profile call an [`AccessToken`], a refresh a [`RefreshToken`], a poll a [`DeviceCode`].
//!
//! Mixing them up does not compile:
//!
//! ```compile_fail
//! use passerelle_core::flow::secret::{AccessToken, RefreshToken};
//! fn bearer(_: &AccessToken) {}
//! bearer(&RefreshToken::new("a refresh token is not a bearer token"));
//! ```
//!
//! ```compile_fail
//! // A secret cannot be serialised, so it cannot be sent to the window by mistake.
//! let json = serde_json::to_string(&passerelle_core::flow::secret::AccessToken::new("a"));
//! ```

use std::fmt;
use std::marker::PhantomData;

use zeroize::Zeroize;

/// What a secret is for; the types are never made, they only tell secrets apart.
pub mod kind {
    #[derive(Debug)]
    pub enum Device {}
    #[derive(Debug)]
    pub enum Access {}
    #[derive(Debug)]
    pub enum Refresh {}
}

/// A secret string. `Debug` and `Display` print `<redacted>`; it implements neither
/// `Serialize` nor `Deserialize`, so it cannot end up in JSON sent to the webview; its
/// bytes are overwritten when it is dropped. Read it only where it is put on the wire, with
/// [`Secret::expose`].
pub struct Secret<K>(String, PhantomData<K>);

pub type DeviceCode = Secret<kind::Device>;
pub type AccessToken = Secret<kind::Access>;
pub type RefreshToken = Secret<kind::Refresh>;

impl<K> Secret<K> {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into(), PhantomData)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<K> Clone for Secret<K> {
    fn clone(&self) -> Self {
        Self::new(self.0.clone())
    }
}

impl<K> PartialEq for Secret<K> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K> Eq for Secret<K> {}

impl<K> Drop for Secret<K> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<K> fmt::Debug for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<K> fmt::Display for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Tokens that can be revoked (RFC 7009), with the hint that tells the server which kind
/// it is given. A device code is not one.
pub trait Revocable {
    const HINT: &'static str;
}

impl Revocable for kind::Access {
    const HINT: &'static str = "access_token";
}

impl Revocable for kind::Refresh {
    const HINT: &'static str = "refresh_token";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let s = AccessToken::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(s.clone(), s);
    }
}
