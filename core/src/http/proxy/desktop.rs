//! What the desktop's own settings say of proxies, as GNOME and KDE keep them: none, a proxy
//! for each kind of address, or a PAC file (WPAD's, when no address is given).

use url::Url;

use super::{Exceptions, ProxyAddress, Route};

/// The desktop's proxy settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Desktop {
    /// Every address directly.
    #[default]
    None,
    Manual(Manual),
    /// A PAC file at this address; none: found by WPAD (`http://wpad/wpad.dat`).
    Pac {
        url: Option<Url>,
        exceptions: Exceptions,
    },
}

/// A proxy for each kind of address, and the exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manual {
    pub http: Option<ProxyAddress>,
    pub https: Option<ProxyAddress>,
    pub exceptions: Exceptions,
}

impl Manual {
    pub fn route(&self, url: &Url) -> Route {
        if self.exceptions.cover(url) {
            return Route::Direct;
        }
        let proxy = match url.scheme() {
            "https" => &self.https,
            _ => &self.http,
        };
        proxy.clone().map_or(Route::Direct, Route::Via)
    }
}

/// WPAD's address for a PAC file, where a network publishes one.
pub const WPAD: &str = "http://wpad/wpad.dat";
