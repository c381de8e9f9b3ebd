//! JavaScriptCore, the JavaScript engine WebKitGTK brings, through its C API: a context of
//! its own (no page, no window, no network), a time limit, scripts evaluated to text, and
//! functions of ours it may call. What evaluates a PAC file on Linux, where the app's webview
//! has already loaded the engine: none of the app's own in its binary.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr::null_mut;
use std::time::Duration;

type Group = *mut c_void;
pub type GlobalContext = *mut c_void;
type JsString = *mut c_void;
pub type Value = *const c_void;
pub type Object = *mut c_void;

/// A function of ours, as JavaScriptCore calls it.
pub type Callback = unsafe extern "C" fn(
    context: GlobalContext,
    function: Object,
    this: Object,
    count: usize,
    arguments: *const Value,
    exception: *mut Value,
) -> Value;

#[link(name = "javascriptcoregtk-4.1")]
extern "C" {
    fn JSContextGroupCreate() -> Group;
    fn JSContextGroupRelease(group: Group);
    fn JSContextGroupSetExecutionTimeLimit(
        group: Group,
        limit: f64,
        should_terminate: Option<unsafe extern "C" fn(GlobalContext, *mut c_void) -> bool>,
        data: *mut c_void,
    );
    fn JSGlobalContextCreateInGroup(group: Group, global_class: *mut c_void) -> GlobalContext;
    fn JSGlobalContextRelease(context: GlobalContext);
    fn JSContextGetGlobalObject(context: GlobalContext) -> Object;
    fn JSStringCreateWithUTF8CString(text: *const c_char) -> JsString;
    fn JSStringRelease(text: JsString);
    fn JSStringGetLength(text: JsString) -> usize;
    fn JSStringGetMaximumUTF8CStringSize(text: JsString) -> usize;
    fn JSStringGetUTF8CString(text: JsString, buffer: *mut c_char, size: usize) -> usize;
    fn JSEvaluateScript(
        context: GlobalContext,
        script: JsString,
        this: Object,
        source: JsString,
        line: c_int,
        exception: *mut Value,
    ) -> Value;
    fn JSValueToStringCopy(context: GlobalContext, value: Value, exception: *mut Value)
        -> JsString;
    fn JSValueMakeString(context: GlobalContext, text: JsString) -> Value;
    fn JSValueMakeUndefined(context: GlobalContext) -> Value;
    fn JSObjectMakeFunctionWithCallback(
        context: GlobalContext,
        name: JsString,
        callback: Callback,
    ) -> Object;
    fn JSObjectSetProperty(
        context: GlobalContext,
        object: Object,
        name: JsString,
        value: Value,
        attributes: u32,
        exception: *mut Value,
    );
}

/// A JavaScript string made from `text`, its NULs left out (the C API reads up to the
/// first), released when dropped.
struct Text(JsString);

impl Text {
    fn new(text: &str) -> Self {
        let text = CString::new(text.replace('\0', "")).unwrap_or_default();
        // SAFETY: a NUL-terminated string; the engine copies it.
        Self(unsafe { JSStringCreateWithUTF8CString(text.as_ptr()) })
    }

    /// Its characters, as UTF-8; none past [`LONGEST`], which no answer of a PAC file
    /// needs (a script can build a string of a billion characters in a fraction of a second).
    fn read(&self) -> Option<String> {
        // SAFETY: the length is checked first; the buffer is as large as the engine says
        // the text may take.
        unsafe {
            if JSStringGetLength(self.0) > LONGEST {
                return None;
            }
            let size = JSStringGetMaximumUTF8CStringSize(self.0);
            let mut buffer = vec![0u8; size.max(1)];
            let written = JSStringGetUTF8CString(self.0, buffer.as_mut_ptr().cast(), size);
            buffer.truncate(written.saturating_sub(1));
            Some(String::from_utf8_lossy(&buffer).into_owned())
        }
    }
}

/// The longest text read from a script, in characters.
const LONGEST: usize = 4096;

impl Drop for Text {
    fn drop(&mut self) {
        // SAFETY: created by us, released once.
        unsafe { JSStringRelease(self.0) }
    }
}

/// A context of its own, in a group of its own that stops any script running past `limit`.
pub struct Context {
    group: Group,
    context: GlobalContext,
}

impl Context {
    pub fn new(limit: Duration) -> Result<Self, String> {
        // SAFETY: a new group and a context in it, both released when dropped; no
        // termination callback: a script past the limit is stopped.
        unsafe {
            let group = JSContextGroupCreate();
            if group.is_null() {
                return Err("JavaScriptCore gives no context".into());
            }
            JSContextGroupSetExecutionTimeLimit(group, limit.as_secs_f64(), None, null_mut());
            let context = JSGlobalContextCreateInGroup(group, null_mut());
            if context.is_null() {
                JSContextGroupRelease(group);
                return Err("JavaScriptCore gives no context".into());
            }
            Ok(Self { group, context })
        }
    }

    /// Makes `callback` the global function `name`.
    pub fn define(&self, name: &str, callback: Callback) -> Result<(), String> {
        let name = Text::new(name);
        let mut exception: Value = std::ptr::null();
        // SAFETY: a live context and string; the function is kept by the global object.
        unsafe {
            let function = JSObjectMakeFunctionWithCallback(self.context, name.0, callback);
            let global = JSContextGetGlobalObject(self.context);
            JSObjectSetProperty(self.context, global, name.0, function, 0, &mut exception);
        }
        if exception.is_null() {
            Ok(())
        } else {
            Err(self.text_of(exception).unwrap_or_else(|e| e))
        }
    }

    /// `script`'s value, as text; or the exception it threw, as text.
    pub fn evaluate(&self, script: &str) -> Result<String, String> {
        let script = Text::new(script);
        let mut exception: Value = std::ptr::null();
        // SAFETY: a live context and string; the value is read before anything else runs.
        let value = unsafe {
            JSEvaluateScript(
                self.context,
                script.0,
                null_mut(),
                null_mut(),
                1,
                &mut exception,
            )
        };
        if value.is_null() || !exception.is_null() {
            return Err(self.text_of(exception).unwrap_or_else(|e| e));
        }
        self.text_of(value)
    }

    /// A value as JavaScript's `String(value)` writes it; or why it cannot be read.
    fn text_of(&self, value: Value) -> Result<String, String> {
        if value.is_null() {
            return Err("stopped".into());
        }
        let mut exception: Value = std::ptr::null();
        // SAFETY: a live context and value; the copy is ours to release.
        let text = unsafe { JSValueToStringCopy(self.context, value, &mut exception) };
        if text.is_null() {
            return Err("a value that cannot be written".into());
        }
        Text(text).read().ok_or_else(|| "a text too long".into())
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: created by us, released once, the context before its group.
        unsafe {
            JSGlobalContextRelease(self.context);
            JSContextGroupRelease(self.group);
        }
    }
}

/// The first argument of a call as text, for a function of ours: `Ok(None)` when there is
/// none or it is too long; `Err` with what its conversion threw — or its stop, when the
/// time ran out in it — for the function to throw on, never to swallow.
///
/// # Safety
/// `arguments` holds `count` values of the live `context`.
pub unsafe fn first_argument(
    context: GlobalContext,
    count: usize,
    arguments: *const Value,
) -> Result<Option<String>, Value> {
    if count == 0 || arguments.is_null() {
        return Ok(None);
    }
    let mut exception: Value = std::ptr::null();
    let text = JSValueToStringCopy(context, *arguments, &mut exception);
    if text.is_null() || !exception.is_null() {
        return Err(exception);
    }
    Ok(Text(text).read())
}

/// An exception for a function of ours to throw, saying `why`.
///
/// # Safety
/// `context` is live.
pub unsafe fn error(context: GlobalContext, why: &str) -> Value {
    string_or_undefined(context, Some(why))
}

/// `text` as a JavaScript string of `context`, or `undefined`.
///
/// # Safety
/// `context` is live.
pub unsafe fn string_or_undefined(context: GlobalContext, text: Option<&str>) -> Value {
    match text {
        Some(text) => JSValueMakeString(context, Text::new(text).0),
        None => JSValueMakeUndefined(context),
    }
}
