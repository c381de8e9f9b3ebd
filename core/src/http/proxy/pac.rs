//! A PAC file, evaluated on Linux as a browser does — `FindProxyForURL(url, host)` with the
//! helpers every PAC file may call (`isInNet`, `shExpMatch`, `dnsResolve`…) — by the system's
//! JavaScriptCore (`jsc`), in a fresh context for each address, with nothing in it but those
//! helpers, and a time limit. (Windows and macOS give the PAC to the system's own resolver.)

use std::net::{IpAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use url::Url;

use super::jsc::{self, Context};

/// Longest a PAC file may run for one address.
const TIME: Duration = Duration::from_secs(2);

/// The helpers of the PAC format (Netscape's), in JavaScript over two of ours.
const HELPERS: &str = r#"
function dnsResolve(host) { var ip = __resolve(String(host)); return ip === undefined ? null : ip; }
function isPlainHostName(host) { return host.indexOf(".") < 0; }
function dnsDomainIs(host, domain) {
  return host.length >= domain.length && host.substring(host.length - domain.length) === domain;
}
function localHostOrDomainIs(host, hostdom) {
  return host === hostdom || hostdom.lastIndexOf(host + ".", 0) === 0;
}
function dnsDomainLevels(host) { return host.split(".").length - 1; }
function isResolvable(host) { return dnsResolve(host) !== null; }
function convert_addr(ip) {
  var b = ip.split(".");
  return ((b[0] & 255) << 24) | ((b[1] & 255) << 16) | ((b[2] & 255) << 8) | (b[3] & 255);
}
function isInNet(host, pattern, mask) {
  var ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : dnsResolve(host);
  if (ip === null) return false;
  return (convert_addr(ip) & convert_addr(mask)) === (convert_addr(pattern) & convert_addr(mask));
}
function shExpMatch(text, pattern) {
  var re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp("^" + re + "$").test(text);
}
function __inRange(value, low, high, wrap) {
  if (high === undefined) return value === low;
  return low <= high ? value >= low && value <= high : wrap && (value >= low || value <= high);
}
function __gmt(args) { return args.length > 0 && args[args.length - 1] === "GMT"; }
function weekdayRange(a, b) {
  var days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
  var now = new Date(), gmt = __gmt(arguments);
  var day = gmt ? now.getUTCDay() : now.getDay();
  var hi = (b === undefined || b === "GMT") ? undefined : days.indexOf(b);
  return __inRange(day, days.indexOf(a), hi, true);
}
function timeRange() {
  var args = Array.prototype.slice.call(arguments), gmt = __gmt(args);
  if (gmt) args.pop();
  var now = new Date();
  var h = gmt ? now.getUTCHours() : now.getHours(), m = gmt ? now.getUTCMinutes() : now.getMinutes();
  if (args.length === 1) return h === args[0];
  if (args.length === 2) return __inRange(h, args[0], args[1] - 1, true);
  if (args.length === 4) return __inRange(h * 60 + m, args[0] * 60 + args[1], args[2] * 60 + args[3] - 1, true);
  return false;
}
function dateRange() {
  var args = Array.prototype.slice.call(arguments), gmt = __gmt(args);
  if (gmt) args.pop();
  var months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
  var now = new Date();
  var d = gmt ? now.getUTCDate() : now.getDate(), mo = gmt ? now.getUTCMonth() : now.getMonth();
  var y = gmt ? now.getUTCFullYear() : now.getFullYear();
  function part(v) {
    if (typeof v === "string") return { m: months.indexOf(v) };
    return v > 31 ? { y: v } : { d: v };
  }
  function value(p) { return p.y !== undefined ? y : p.m !== undefined ? mo : d; }
  if (args.length === 1) { var p = part(args[0]); return value(p) === (p.y !== undefined ? p.y : p.m !== undefined ? p.m : p.d); }
  if (args.length === 2) {
    var a = part(args[0]), b = part(args[1]);
    return __inRange(value(a), a.y !== undefined ? a.y : a.m !== undefined ? a.m : a.d,
                     b.y !== undefined ? b.y : b.m !== undefined ? b.m : b.d, a.y === undefined);
  }
  return false;
}
function alert() {}
"#;

/// What `script` answers for `url` (`"PROXY proxy:3128; DIRECT"`), or why it could not. In
/// this process: the app runs it in one of its own (`apart`), which also bounds its memory.
pub fn evaluate(script: &str, url: &Url) -> Result<String, String> {
    let host = url.host_str().unwrap_or_default().to_owned();
    // As browsers give it: no path nor query for https, which a PAC file need not see.
    let shown = match (url.scheme(), url.port()) {
        ("https", Some(port)) => format!("https://{host}:{port}/"),
        ("https", None) => format!("https://{host}/"),
        _ => url.as_str().to_owned(),
    };
    BUDGET.set(Budget {
        until: Instant::now() + TIME,
        lookups: LOOKUPS,
    });
    let context = Context::new(TIME)?;
    context.define("__resolve", resolve)?;
    context.define("myIpAddress", my_ip)?;
    context.evaluate(HELPERS)?;
    context
        .evaluate(script)
        .map_err(|e| format!("the PAC file does not run: {e}"))?;
    if context.evaluate("typeof FindProxyForURL")? != "function" {
        return Err("the PAC file has no FindProxyForURL".into());
    }
    // The address and the host as string literals: JSON's are JavaScript's.
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let call = format!(
        "String(FindProxyForURL({}, {}))",
        quoted(&shown),
        quoted(&host)
    );
    context
        .evaluate(&call)
        .map_err(|e| format!("FindProxyForURL failed: {e}"))
}

/// Most names a PAC file may look up for one address.
const LOOKUPS: u32 = 16;

/// What an evaluation may still spend, beyond the engine's own limit (which counts the
/// time the script runs, not the time our functions wait for the system's resolver).
#[derive(Clone, Copy)]
struct Budget {
    until: Instant,
    lookups: u32,
}

thread_local! {
    static BUDGET: std::cell::Cell<Budget> = std::cell::Cell::new(Budget {
        until: Instant::now(),
        lookups: 0,
    });
}

/// `__resolve(host)`, as the engine calls it: throws what converting its argument threw
/// (the engine's stop included, which must not be swallowed), and once the evaluation's
/// time or lookups are spent.
unsafe extern "C" fn resolve(
    context: jsc::GlobalContext,
    _: jsc::Object,
    _: jsc::Object,
    count: usize,
    arguments: *const jsc::Value,
    exception: *mut jsc::Value,
) -> jsc::Value {
    // SAFETY: as the engine calls a function: its live context, its arguments, and where
    // an exception goes.
    unsafe {
        let budget = BUDGET.get();
        if budget.lookups == 0 || Instant::now() > budget.until {
            *exception = jsc::error(context, "the PAC file looks up too much, or for too long");
            return std::ptr::null();
        }
        BUDGET.set(Budget {
            lookups: budget.lookups - 1,
            ..budget
        });
        match jsc::first_argument(context, count, arguments) {
            Ok(name) => jsc::string_or_undefined(context, name.and_then(dns_resolve).as_deref()),
            Err(thrown) => {
                *exception = if thrown.is_null() {
                    jsc::error(context, "stopped")
                } else {
                    thrown
                };
                std::ptr::null()
            }
        }
    }
}

/// `myIpAddress()`, as the engine calls it.
unsafe extern "C" fn my_ip(
    context: jsc::GlobalContext,
    _: jsc::Object,
    _: jsc::Object,
    _: usize,
    _: *const jsc::Value,
    _: *mut jsc::Value,
) -> jsc::Value {
    // SAFETY: as the engine calls a function: its live context.
    unsafe { jsc::string_or_undefined(context, Some(&my_ip_address())) }
}

/// `dnsResolve(host)`: its first IPv4 address, or `null`.
fn dns_resolve(host: String) -> Option<String> {
    (host.as_str(), 0)
        .to_socket_addrs()
        .ok()?
        .find(|a| a.is_ipv4())
        .map(|a| a.ip().to_string())
}

/// `myIpAddress()`: the address this computer reaches the web from (no packet is sent: a
/// UDP socket is only connected), else loopback's.
fn my_ip_address() -> String {
    let found = || -> Option<IpAddr> {
        let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
        socket.connect("192.0.2.1:9").ok()?;
        Some(socket.local_addr().ok()?.ip())
    };
    found().map_or_else(|| "127.0.0.1".into(), |ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(script: &str, url: &str) -> Result<String, String> {
        evaluate(script, &Url::parse(url).unwrap())
    }

    #[test]
    fn a_school_s_pac_file() {
        let pac = r#"
            function FindProxyForURL(url, host) {
              // Only addresses are put to isInNet: a name would be looked up in the DNS.
              var address = /^[0-9.]+$/.test(host);
              if (isPlainHostName(host) || dnsDomainIs(host, ".lan") || (address && isInNet(host, "10.0.0.0", "255.0.0.0")))
                return "DIRECT";
              if (dnsResolve("localhost") !== "127.0.0.1") return "PROXY no-hosts-file:1";
              if (shExpMatch(host, "*.school.example")) return "PROXY inside.school.example:3128";
              if (url.indexOf("/secret") >= 0) return "PROXY leaked:1";
              return "PROXY proxy.school.example:3128; DIRECT";
            }"#;
        assert_eq!(answer(pac, "https://moodle/").unwrap(), "DIRECT");
        assert_eq!(answer(pac, "https://printer.lan/").unwrap(), "DIRECT");
        assert_eq!(answer(pac, "https://10.2.3.4/").unwrap(), "DIRECT");
        assert_eq!(
            answer(pac, "https://www.school.example/").unwrap(),
            "PROXY inside.school.example:3128"
        );
        assert_eq!(
            answer(pac, "https://platform.example/secret/token").unwrap(),
            "PROXY proxy.school.example:3128; DIRECT",
            "an https address's path is not the PAC file's to see"
        );
        let time = "function FindProxyForURL(u, h) { return weekdayRange('SUN', 'SAT') && timeRange(0, 24) ? 'DIRECT' : 'X'; }";
        assert_eq!(answer(time, "https://x.example/").unwrap(), "DIRECT");
    }

    #[test]
    fn a_pac_file_that_cannot_answer() {
        assert!(answer("not javascript {", "https://x.example/").is_err());
        assert!(
            answer("var x = 1;", "https://x.example/").is_err(),
            "no FindProxyForURL"
        );
        let forever = "function FindProxyForURL(u, h) { for (;;) {} }";
        let started = std::time::Instant::now();
        assert!(answer(forever, "https://x.example/").is_err());
        assert!(started.elapsed() < Duration::from_secs(10), "stopped");
        // Strings past any length the engine holds: its own error, not the app's end.
        let greedy = "function FindProxyForURL(u, h) { var s = 'x'; for (;;) s += s; }";
        assert!(answer(greedy, "https://x.example/").is_err());
        // The engine's stop, met while our function converts its argument, is not swallowed:
        // the script does not run on without a limit.
        let escape = "function FindProxyForURL(u, h) {
            try { dnsResolve({ toString: function () { for (;;) {} } }); } catch (e) {}
            for (;;) {}
        }";
        let started = std::time::Instant::now();
        assert!(answer(escape, "https://x.example/").is_err());
        assert!(started.elapsed() < Duration::from_secs(10), "stopped");
        // Lookups are counted: a PAC file cannot have the resolver asked without end.
        let lookups = "function FindProxyForURL(u, h) { for (;;) dnsResolve('localhost'); }";
        assert!(answer(lookups, "https://x.example/")
            .unwrap_err()
            .contains("looks up too much"));
        // An answer too long to be one.
        let long = "function FindProxyForURL(u, h) { var s = 'PROXY a:1;'; while (s.length < 1e6) s += s; return s; }";
        assert!(answer(long, "https://x.example/").is_err());
        let thrown = "function FindProxyForURL(u, h) { throw new Error('no way'); }";
        assert!(answer(thrown, "https://x.example/")
            .unwrap_err()
            .contains("no way"));
    }
}
