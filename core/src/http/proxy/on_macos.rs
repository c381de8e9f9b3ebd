//! The system's proxy settings on macOS, through CFNetwork: the proxies it lists for an
//! address (`CFNetworkCopyProxiesForURL`), a PAC file's among them, evaluated by the system
//! (`CFNetworkExecuteProxyAutoConfigurationURL`). Blocking: called off the async workers.
//! Type-checked here; linked and run on the macOS runners.

use std::ffi::c_void;
use std::time::Duration;

use core_foundation::array::{CFArray, CFArrayRef};
use core_foundation::base::{CFType, TCFType};
use core_foundation::dictionary::{CFDictionary, CFDictionaryRef};
use core_foundation::error::CFErrorRef;
use core_foundation::number::CFNumber;
use core_foundation::runloop::{CFRunLoop, CFRunLoopSourceRef};
use core_foundation::string::{CFString, CFStringRef};
use core_foundation::url::{CFURLRef, CFURL};
use url::Url;

use super::{ProxyAddress, Route};

#[repr(C)]
struct StreamClientContext {
    version: isize,
    info: *mut c_void,
    retain: *const c_void,
    release: *const c_void,
    copy_description: *const c_void,
}

type ResultCallback = extern "C" fn(client: *mut c_void, proxies: CFArrayRef, error: CFErrorRef);

#[link(name = "CFNetwork", kind = "framework")]
extern "C" {
    fn CFNetworkCopySystemProxySettings() -> CFDictionaryRef;
    fn CFNetworkCopyProxiesForURL(url: CFURLRef, settings: CFDictionaryRef) -> CFArrayRef;
    fn CFNetworkExecuteProxyAutoConfigurationURL(
        pac: CFURLRef,
        target: CFURLRef,
        callback: ResultCallback,
        context: *mut StreamClientContext,
    ) -> CFRunLoopSourceRef;
    static kCFProxyTypeKey: CFStringRef;
    static kCFProxyHostNameKey: CFStringRef;
    static kCFProxyPortNumberKey: CFStringRef;
    static kCFProxyAutoConfigurationURLKey: CFStringRef;
    static kCFProxyTypeHTTP: CFStringRef;
    static kCFProxyTypeHTTPS: CFStringRef;
    static kCFProxyTypeNone: CFStringRef;
    static kCFProxyTypeAutoConfigurationURL: CFStringRef;
}

/// How long a PAC file is waited for.
const PAC_TIME: Duration = Duration::from_secs(5);

/// The way to `url` the system's settings give; the second half says why a PAC file could
/// not answer (then directly).
pub fn route(url: &Url) -> (Route, Option<String>) {
    let Some(target) = cf_url(url) else {
        return (Route::Direct, None);
    };
    // SAFETY: both calls follow the Copy rule: what they return is ours to release, which
    // wrapping it under the create rule does.
    let proxies = unsafe {
        let settings = CFNetworkCopySystemProxySettings();
        if settings.is_null() {
            return (Route::Direct, None);
        }
        let settings: CFDictionary = CFDictionary::wrap_under_create_rule(settings);
        let list = CFNetworkCopyProxiesForURL(
            target.as_concrete_TypeRef(),
            settings.as_concrete_TypeRef(),
        );
        if list.is_null() {
            return (Route::Direct, None);
        }
        CFArray::<CFType>::wrap_under_create_rule(list.cast())
    };
    first_route(&proxies, &target)
}

fn cf_url(url: &Url) -> Option<CFURL> {
    let text = CFString::new(url.as_str());
    // SAFETY: a valid CFString; the URL is ours to release.
    unsafe {
        let made = core_foundation_sys::url::CFURLCreateWithString(
            std::ptr::null(),
            text.as_concrete_TypeRef(),
            std::ptr::null(),
        );
        (!made.is_null()).then(|| CFURL::wrap_under_create_rule(made))
    }
}

fn first_route(proxies: &CFArray<CFType>, target: &CFURL) -> (Route, Option<String>) {
    let key = |k: CFStringRef| unsafe { CFString::wrap_under_get_rule(k) };
    for proxy in proxies.iter() {
        let Some(proxy) = proxy.downcast::<CFDictionary>() else {
            continue;
        };
        // SAFETY: the dictionaries CFNetwork lists map CFStrings to property lists.
        let proxy: CFDictionary<CFString, CFType> =
            unsafe { CFDictionary::wrap_under_get_rule(proxy.as_concrete_TypeRef().cast()) };
        let kind = proxy
            .find(key(unsafe { kCFProxyTypeKey }))
            .and_then(|t| t.downcast::<CFString>());
        let Some(kind) = kind else { continue };
        let is = |k: CFStringRef| kind == key(k);
        if is(unsafe { kCFProxyTypeNone }) {
            return (Route::Direct, None);
        }
        if is(unsafe { kCFProxyTypeHTTP }) || is(unsafe { kCFProxyTypeHTTPS }) {
            let host = proxy
                .find(key(unsafe { kCFProxyHostNameKey }))
                .and_then(|h| h.downcast::<CFString>());
            let port = proxy
                .find(key(unsafe { kCFProxyPortNumberKey }))
                .and_then(|p| p.downcast::<CFNumber>())
                .and_then(|p| p.to_i64());
            if let (Some(host), Some(port)) = (host, port) {
                if let Some(address) = ProxyAddress::parse(&format!("{host}:{port}")) {
                    return (Route::Via(address), None);
                }
            }
        }
        if is(unsafe { kCFProxyTypeAutoConfigurationURL }) {
            let pac = proxy
                .find(key(unsafe { kCFProxyAutoConfigurationURLKey }))
                .and_then(|u| u.downcast::<CFURL>());
            if let Some(pac) = pac {
                return match run_pac(&pac, target) {
                    Ok(list) => first_route(&list, target),
                    Err(why) => (Route::Direct, Some(why)),
                };
            }
        }
    }
    (Route::Direct, None)
}

/// What the PAC file at `pac` lists for `target`, evaluated by the system on this thread's
/// run loop.
fn run_pac(pac: &CFURL, target: &CFURL) -> Result<CFArray<CFType>, String> {
    struct Outcome(Option<Result<CFArray<CFType>, String>>);
    extern "C" fn done(client: *mut c_void, proxies: CFArrayRef, error: CFErrorRef) {
        // SAFETY: `client` is the Outcome below, alive while the run loop runs.
        let outcome = unsafe { &mut *(client as *mut Outcome) };
        outcome.0 = Some(if error.is_null() && !proxies.is_null() {
            // SAFETY: the array is the callback's to lend: retained as ours.
            Ok(unsafe { CFArray::wrap_under_get_rule(proxies.cast()) })
        } else {
            Err("the PAC file could not be evaluated".into())
        });
        CFRunLoop::get_current().stop();
    }
    let mut outcome = Outcome(None);
    let mut context = StreamClientContext {
        version: 0,
        info: (&mut outcome as *mut Outcome).cast(),
        retain: std::ptr::null(),
        release: std::ptr::null(),
        copy_description: std::ptr::null(),
    };
    // SAFETY: valid URLs, callback and context; the source is added to this thread's run
    // loop, run until the callback stops it or the time is up.
    unsafe {
        let source = CFNetworkExecuteProxyAutoConfigurationURL(
            pac.as_concrete_TypeRef(),
            target.as_concrete_TypeRef(),
            done,
            &mut context,
        );
        if source.is_null() {
            return Err("the PAC file could not be evaluated".into());
        }
        let source = core_foundation::runloop::CFRunLoopSource::wrap_under_create_rule(source);
        let mode = core_foundation::runloop::kCFRunLoopDefaultMode;
        let run_loop = CFRunLoop::get_current();
        run_loop.add_source(&source, mode);
        CFRunLoop::run_in_mode(mode, PAC_TIME, false);
        run_loop.remove_source(&source, mode);
    }
    outcome
        .0
        .unwrap_or_else(|| Err("the PAC file took too long".into()))
}
