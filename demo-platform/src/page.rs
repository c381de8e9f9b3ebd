//! The verification page a person opens in their browser (RFC 8628 §3.3 and §5.4).

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1f24;background:#f6f7f9}
main{background:#fff;border-radius:12px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #8a929c;border-radius:6px}
#user_code{font-family:ui-monospace,monospace;font-size:1.4rem;letter-spacing:.15em}
.hint{background:#eef3fb;border-radius:6px;padding:.6rem .8rem;font-size:.9rem}
.actions{display:flex;gap:.8rem;margin-top:1.2rem}
button{flex:1;padding:.6rem;font-size:1rem;border-radius:6px;border:1px solid #1d4ed8;cursor:pointer}
#authorize{background:#1d4ed8;color:#fff}#deny{background:#fff;color:#1d4ed8}
.error{color:#b42318;font-weight:600}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · Demo learning platform</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>"
    )
}

/// The sign-in and approval form, with the code pre-filled when the link carried it.
pub fn device_form(user_code: &str, email: &str, password: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    layout(
        "Connect a device",
        &format!(
            "<h1>Connect Passerelle to your account</h1>{error}\
             <p>Check that this code is the one shown in the Passerelle window, then sign in and choose.</p>\
             <form method=\"post\" action=\"/oauth/device\">\
             <label for=\"user_code\">Code</label>\
             <input id=\"user_code\" name=\"user_code\" value=\"{code}\" autocomplete=\"off\" required>\
             <p class=\"hint\">Demo account: <strong>{email}</strong> / <strong>{password}</strong></p>\
             <label for=\"email\">Email</label>\
             <input id=\"email\" name=\"email\" type=\"email\" value=\"{email}\" required>\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" required>\
             <div class=\"actions\">\
             <button id=\"deny\" name=\"decision\" value=\"deny\">Deny</button>\
             <button id=\"authorize\" name=\"decision\" value=\"authorize\">Authorize</button>\
             </div></form>",
            code = escape(user_code),
            email = escape(email),
            password = escape(password),
        ),
    )
}

pub fn done(approved: bool) -> String {
    let (title, text) = if approved {
        (
            "Device connected",
            "Passerelle is now connected. You can close this page and go back to the app.",
        )
    } else {
        (
            "Request denied",
            "Passerelle was not connected. You can close this page.",
        )
    };
    layout(
        title,
        &format!("<h1 id=\"result\">{title}</h1><p>{text}</p>"),
    )
}

pub fn home() -> String {
    layout(
        "Home",
        "<h1>Demo learning platform</h1><p>This server stands in for the learning platform so that \
         Passerelle can be tried without an account. Start a sign-in from the app.</p>",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_what_it_echoes() {
        let page = super::device_form("<script>", "a\"b", "p", Some("<b>"));
        assert!(!page.contains("<script>") && !page.contains("<b>"));
        assert!(page.contains("&lt;script&gt;") && page.contains("a&quot;b"));
    }
}
