//! The learner's proxy settings on Windows, through WinHTTP's own resolver: the static proxy
//! and its bypass list, and automatic configuration — a PAC address, or WPAD's detection —
//! evaluated by WinHTTP itself (`WinHttpGetProxyForUrl`). Blocking: called off the async
//! workers.

use std::ptr::{null, null_mut};

use url::Url;
use windows_sys::Win32::Foundation::{GetLastError, GlobalFree};
use windows_sys::Win32::Networking::WinHttp::{
    WinHttpCloseHandle, WinHttpGetIEProxyConfigForCurrentUser, WinHttpGetProxyForUrl, WinHttpOpen,
    WINHTTP_ACCESS_TYPE_NAMED_PROXY, WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_AUTOPROXY_AUTO_DETECT,
    WINHTTP_AUTOPROXY_CONFIG_URL, WINHTTP_AUTOPROXY_OPTIONS, WINHTTP_AUTO_DETECT_TYPE_DHCP,
    WINHTTP_AUTO_DETECT_TYPE_DNS_A, WINHTTP_CURRENT_USER_IE_PROXY_CONFIG, WINHTTP_PROXY_INFO,
};

use super::winhttp::route_of_lists;
use super::Route;

/// A string WinHTTP allocated, read and freed.
fn take(text: *mut u16) -> String {
    if text.is_null() {
        return String::new();
    }
    // SAFETY: a NUL-terminated string WinHTTP allocated with GlobalAlloc; freed once.
    unsafe {
        let len = (0..).take_while(|&i| *text.add(i) != 0).count();
        let value = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
        GlobalFree(text.cast());
        value
    }
}

/// The way to `url` the learner's settings give; `Err` says why automatic configuration
/// could not answer (the static settings are used then).
pub fn route(url: &Url) -> (Route, Option<String>) {
    // SAFETY: a zeroed out structure the call fills in; its strings are taken above.
    let mut config: WINHTTP_CURRENT_USER_IE_PROXY_CONFIG = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out pointer.
    if unsafe { WinHttpGetIEProxyConfigForCurrentUser(&mut config) } == 0 {
        return (Route::Direct, None);
    }
    let auto_url = take(config.lpszAutoConfigUrl);
    let proxies = take(config.lpszProxy);
    let bypass = take(config.lpszProxyBypass);
    let by_lists = route_of_lists(&proxies, &bypass, url);
    if config.fAutoDetect == 0 && auto_url.is_empty() {
        return (by_lists, None);
    }
    match automatic(url, &auto_url, config.fAutoDetect != 0) {
        Ok(route) => (route, None),
        Err(why) => (by_lists, Some(why)),
    }
}

fn automatic(url: &Url, auto_url: &str, detect: bool) -> Result<Route, String> {
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let agent = wide("Passerelle");
    let (target, config_url) = (wide(url.as_str()), wide(auto_url));
    // SAFETY: NUL-terminated strings; the handle is closed below.
    let session = unsafe {
        WinHttpOpen(
            agent.as_ptr(),
            WINHTTP_ACCESS_TYPE_NO_PROXY,
            null(),
            null(),
            0,
        )
    };
    if session.is_null() {
        return Err("WinHTTP cannot be opened".into());
    }
    let mut flags = 0;
    if detect {
        flags |= WINHTTP_AUTOPROXY_AUTO_DETECT;
    }
    if !auto_url.is_empty() {
        flags |= WINHTTP_AUTOPROXY_CONFIG_URL;
    }
    let mut options = WINHTTP_AUTOPROXY_OPTIONS {
        dwFlags: flags,
        dwAutoDetectFlags: if detect {
            WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A
        } else {
            0
        },
        lpszAutoConfigUrl: if auto_url.is_empty() {
            null()
        } else {
            config_url.as_ptr()
        },
        lpvReserved: null_mut(),
        dwReserved: 0,
        fAutoLogonIfChallenged: 1,
    };
    // SAFETY: a zeroed out structure the call fills in.
    let mut info: WINHTTP_PROXY_INFO = unsafe { std::mem::zeroed() };
    // SAFETY: a valid session, target and options; `info`'s strings are taken below.
    let found = unsafe { WinHttpGetProxyForUrl(session, target.as_ptr(), &mut options, &mut info) };
    // SAFETY: the session opened above.
    let error = unsafe { GetLastError() };
    unsafe { WinHttpCloseHandle(session) };
    if found == 0 {
        return Err(format!("automatic configuration failed: error {error}"));
    }
    let (proxies, bypass) = (take(info.lpszProxy), take(info.lpszProxyBypass));
    Ok(match info.dwAccessType {
        WINHTTP_ACCESS_TYPE_NAMED_PROXY => route_of_lists(&proxies, &bypass, url),
        _ => Route::Direct,
    })
}
