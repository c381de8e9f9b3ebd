//! What WinHTTP's settings say, read as WinHTTP reads them: a proxy list (`proxy:8080`, or
//! per scheme `http=proxy:80;https=secure:443`) and a bypass list (`<local>;*.school.lan`).
//! Plain functions, tested on every system; `on_windows` reads the settings themselves.

use url::Url;

use super::{Exceptions, ProxyAddress, Route};

/// The way to `url` that a proxy list and its bypass list give.
pub fn route_of_lists(proxies: &str, bypass: &str, url: &Url) -> Route {
    if Exceptions::parse(bypass).cover(url) {
        return Route::Direct;
    }
    let mut any = None;
    for entry in proxies
        .split([';', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        match entry.split_once('=') {
            Some((scheme, proxy)) if scheme.eq_ignore_ascii_case(url.scheme()) => {
                return ProxyAddress::parse(proxy).map_or(Route::Direct, Route::Via);
            }
            Some(_) => {}
            None => any = any.or_else(|| ProxyAddress::parse(entry)),
        }
    }
    any.map_or(Route::Direct, Route::Via)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_proxy_and_bypass_lists() {
        let url = |s: &str| Url::parse(s).unwrap();
        let via = |s: &str| Route::Via(ProxyAddress::parse(s).unwrap());
        let https = url("https://platform.example/");
        assert_eq!(route_of_lists("proxy:8080", "", &https), via("proxy:8080"));
        assert_eq!(
            route_of_lists("http=plain:80;https=secure:3128", "", &https),
            via("secure:3128")
        );
        assert_eq!(
            route_of_lists(
                "http=plain:80;https=secure:3128",
                "",
                &url("http://x.example/")
            ),
            via("plain:80")
        );
        assert_eq!(route_of_lists("ftp=f:21", "", &https), Route::Direct);
        assert_eq!(
            route_of_lists("proxy:8080", "<local>;*.example", &https),
            Route::Direct
        );
        assert_eq!(
            route_of_lists("proxy:8080", "<local>", &url("https://moodle/")),
            Route::Direct
        );
        assert_eq!(route_of_lists("", "", &https), Route::Direct);
    }
}
