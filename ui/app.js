// Renders the view the backend pushes. Holds no secret and decides nothing: every action
// is a command, and the backend answers with a new view.
import { lang, locale, t } from "./i18n.js";

const { invoke, Channel } = window.__TAURI__.core;
const $ = (id) => document.getElementById(id);

document.documentElement.lang = lang;
for (const el of document.querySelectorAll("[data-i18n]")) {
  el.textContent = t(el.dataset.i18n);
}
for (const el of document.querySelectorAll("[data-i18n-label]")) {
  el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

const sections = {
  setup: "view-setup",
  about: "view-about",
  restoring: "view-restoring",
  waiting_for_keychain: "view-waiting-for-keychain",
  signing_out: "view-signing-out",
  signed_out: "view-signed-out",
  starting: "view-starting",
  code_shown: "view-code",
  error: "view-error",
  signed_in: "view-signed-in",
};

// Settings and about are reachable from the calm views only.
const toolsIn = new Set(["signed_out", "signed_in", "error"]);

let current = null;
let ticker = null;
// What the live region has said about the code on screen, so that each thing is said once.
let spoken = null;

function show(state) {
  for (const [name, id] of Object.entries(sections)) {
    $(id).hidden = name !== state;
  }
}

/** Says `text` once to screen readers, through the one polite live region. */
function announce(text) {
  if (text) $("announce").textContent = text;
}

/** Sets text only when it changes: every repaint costs CPU while the learner waits. */
function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

/** Text of a `<bdi>` inside `id`, or of `id` itself: server text is isolated for bidi. */
function setIsolated(id, text) {
  const el = $(id);
  (el.querySelector("bdi") || el).textContent = text;
}

function formatDuration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function statusText(status) {
  switch (status.kind) {
    case "waiting":
      return t("status_waiting");
    case "slowed_down":
      return t("status_slowed_down", { secs: status.interval_secs });
    case "retrying":
      return t("retrying", {
        reason: t(status.reason),
        secs: Math.max(0, Math.ceil((status.retry_at_ms - Date.now()) / 1000)),
      });
    case "approved":
      return t("status_approved");
    default:
      return "";
  }
}

/** The code in groups for the eye, with nothing added to it: spans, spaced by CSS. */
function renderCode(code) {
  const box = $("user-code");
  box.replaceChildren();
  const plain = /^[A-Za-z0-9]+$/.test(code);
  const size = !plain || code.length < 6 ? code.length : code.length % 3 === 0 && code.length % 4 ? 3 : 4;
  for (let i = 0; i < code.length; i += size) {
    const group = document.createElement("span");
    group.className = "group";
    group.textContent = code.slice(i, i + size);
    box.append(group);
  }
  // Read one character at a time, which is how it is typed.
  $("user-code-spelled").textContent = t("code_spelled", { code: code.split("").join(" ") });
}

/** Once a second while a code is shown: the countdown and "retrying in N s". Said aloud
 * only at the start, with one minute left, and at the end. */
function tick() {
  if (!current || current.state !== "code_shown") return;
  const left = current.expires_at_ms - Date.now();
  setText("expires-in", t("expires_in", { time: formatDuration(left) }));
  if (current.status.kind === "retrying") setText("status", statusText(current.status));
  if (left <= 60_000 && left > 0 && !spoken.minuteLeft) {
    spoken.minuteLeft = true;
    announce(t("one_minute_left"));
  }
  if (left <= 0 && !spoken.expired) {
    spoken.expired = true;
    announce(t("code_expired_now"));
  }
}

function memberSince(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long" }).format(date);
  } catch {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(date);
  }
}

/** The words for an invalid setting's reason, or for the kind alone. */
function problemText(kind, reason) {
  return reason ? t(`invalid_${reason}`) : t(kind);
}

function focus(el) {
  if (el && !el.hidden) el.focus();
}

function renderSetup(view, entering) {
  $("setup-title").textContent = t(view.first_run ? "setup_title" : "settings_title");
  $("setup-cancel").hidden = view.first_run;
  $("setup-switch").hidden = view.first_run;
  $("setup-managed").hidden = !view.managed;
  const address = $("setup-auth-url");
  const addressLocked = view.locked.includes("auth_url");
  address.readOnly = addressLocked;
  address.toggleAttribute("aria-readonly", addressLocked);
  $("setup-client-id-field").hidden = view.locked.includes("client_id");
  const list = $("setup-in-use");
  list.replaceChildren();
  for (const item of view.in_use) {
    const dt = document.createElement("dt");
    dt.textContent = t(`setting_${item.key}`);
    const dd = document.createElement("dd");
    const value = document.createElement("bdi");
    value.textContent = item.value;
    const from = document.createElement("span");
    from.className = "muted";
    from.textContent = ` (${t(`layer_${item.from}`)})`;
    dd.append(value, from);
    list.append(dt, dd);
  }
  if (entering) {
    address.value = view.auth_url;
    $("setup-client-id").value = view.client_id;
    $("setup-advanced").open = false;
    clearSetupErrors();
    announce($("setup-title").textContent);
    focus(addressLocked ? $("setup-title") : address);
  }
}

function clearSetupErrors() {
  for (const id of ["setup-auth-url", "setup-client-id"]) {
    $(id).removeAttribute("aria-invalid");
    $(`${id}-error`).textContent = "";
  }
}

function renderError(view, entering) {
  $("error-title").textContent = t(view.kind);
  const params = {
    setting: view.setting ? t(`setting_${view.setting}`) : "",
    reason: view.reason ? t(`invalid_${view.reason}`) : "",
    file: view.file || "",
    line: view.line || "?",
  };
  $("error-text").textContent = t(`${view.kind}_text`, params);
  $("error-details").textContent = `${view.kind}: ${view.detail}`;
  $("details-copied").textContent = "";
  $("retry").hidden = !view.can_retry;
  $("error-settings").hidden = !view.can_open_settings;
  $("back").hidden = !view.can_go_back;
  if (entering) {
    announce(`${$("error-title").textContent}. ${$("error-text").textContent}`);
    focus(view.can_retry ? $("retry") : $("error-settings"));
  }
}

function renderCodeShown(view, previous) {
  const sameCode = previous && previous.state === "code_shown" && previous.user_code === view.user_code;
  setText("status", statusText(view.status));
  if (!sameCode) {
    // A new code: everything else on the page changes with it, and only then.
    spoken = { minuteLeft: false, expired: false, status: view.status.kind };
    renderCode(view.user_code);
    $("verification-uri").textContent = view.verification_uri;
    $("verification-uri").classList.toggle("untrusted", !view.trusted);
    const qr = $("qr-code");
    if (view.qr_code) {
      qr.src = view.qr_code;
      qr.alt = t("qr_alt");
    }
    qr.hidden = !view.qr_code;
    $("qr-hint").hidden = !view.qr_code;
    $("open-browser").hidden = !view.trusted;
    $("unsafe-url").hidden = view.trusted;
    $("copied").textContent = "";
    const minutes = Math.max(1, Math.round((view.expires_at_ms - Date.now()) / 60_000));
    const when = new Intl.RelativeTimeFormat(lang).format(minutes, "minute");
    announce(
      [
        t("code_announce", { code: view.user_code.split("").join(" "), when }),
        view.trusted ? "" : t("unsafe_url"),
      ].join(" "),
    );
    focus(view.trusted ? $("open-browser") : $("copy-code"));
  } else if (view.status.kind !== spoken.status) {
    // A change of status is said once; its countdown ticks on screen only.
    spoken.status = view.status.kind;
    announce(statusText(view.status));
  }
  tick();
  ticker = setInterval(tick, 1000);
}

function render(view) {
  const previous = current;
  current = view;
  const entering = !previous || previous.state !== view.state;
  show(view.state);
  $("tools").hidden = !toolsIn.has(view.state);
  clearInterval(ticker);
  ticker = null;

  switch (view.state) {
    case "setup":
      renderSetup(view, entering);
      break;
    case "about": {
      $("about-version").textContent = view.version;
      $("about-license").textContent = view.license;
      setIsolated("about-platform", view.platform || "—");
      setIsolated("about-built-for", view.built_for || "");
      $("about-built-for").hidden = !view.built_for;
      $("about-built-for-label").hidden = !view.built_for;
      if (entering) {
        announce(t("about_title"));
        focus(document.querySelector('[data-testid="about-close"]'));
      }
      break;
    }
    case "restoring":
    case "signing_out":
    case "starting":
      if (entering) {
        announce(t(view.state));
        focus($(sections[view.state]).querySelector(".lead"));
      }
      break;
    case "waiting_for_keychain":
      if (entering) {
        announce(`${t("waiting_keychain")} ${t("waiting_keychain_text")}`);
        focus($("skip-keychain"));
      }
      break;
    case "signed_out": {
      const notice = $("notice");
      notice.hidden = !view.notice;
      notice.textContent = view.notice ? t(view.notice) : "";
      if (entering || (previous && previous.notice !== view.notice)) {
        announce(view.notice ? notice.textContent : t("welcome_title"));
        focus($("sign-in"));
      }
      break;
    }
    case "code_shown":
      renderCodeShown(view, previous);
      break;
    case "error":
      renderError(view, entering);
      break;
    case "signed_in": {
      const p = view.profile;
      $("avatar").textContent = p.initials;
      setIsolated("profile-name", p.display_name);
      setIsolated("profile-email", p.email || "");
      setIsolated("profile-member-since", memberSince(p.member_since));
      $("member-since-label").hidden = !p.member_since;
      $("profile-member-since").parentElement.hidden = !p.member_since;
      setIsolated("profile-platform", view.platform);
      const notRemembered = $("not-remembered");
      notRemembered.hidden = !view.not_remembered;
      notRemembered.textContent = view.not_remembered ? t(view.not_remembered) : "";
      if (entering) {
        announce(t("signed_in_as", { name: p.display_name }));
        focus($("sign-out"));
      }
      break;
    }
  }
}

async function call(command, args) {
  try {
    return await invoke(command, args);
  } catch (error) {
    return { error };
  }
}

/** A short confirmation next to the code, said aloud too. */
function flash(text) {
  $("copied").textContent = text;
  announce(text);
}

$("sign-in").addEventListener("click", () => call("start_sign_in"));
for (const el of document.querySelectorAll('[data-action="cancel"]')) {
  el.addEventListener("click", () => call("cancel_sign_in"));
}
for (const el of document.querySelectorAll('[data-action="close"]')) {
  el.addEventListener("click", () => call("close_overlay"));
}
$("open-settings").addEventListener("click", () => call("open_settings"));
$("error-settings").addEventListener("click", () => call("open_settings"));
$("open-about").addEventListener("click", () => call("open_about"));
$("skip-keychain").addEventListener("click", () => call("skip_keychain"));
$("copy-details").addEventListener("click", async () => {
  const result = await call("copy_support_details");
  const text = result && result.error ? t("copy_failed") : t("details_copied");
  $("details-copied").textContent = text;
  announce(text);
});
$("retry").addEventListener("click", () => call("retry"));
$("sign-out").addEventListener("click", () => call("sign_out"));

$("copy-code").addEventListener("click", async () => {
  const result = await call("copy_user_code");
  flash(result && result.error ? t("copy_failed") : t("copied"));
});

$("open-browser").addEventListener("click", async () => {
  const result = await call("open_verification_page");
  if (result && result.error) {
    flash(result.error.kind === "unsafe_url" ? t("unsafe_url") : t("open_failed"));
  } else {
    flash(t("copied_and_opened"));
  }
});

$("setup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearSetupErrors();
  const result = await call("save_setup", {
    authUrl: $("setup-auth-url").value,
    clientId: $("setup-client-id").value,
  });
  if (!result || !result.error) return;
  const { kind, setting, reason } = result.error;
  const field = setting === "client_id" ? "setup-client-id" : "setup-auth-url";
  if (field === "setup-client-id") $("setup-advanced").open = true;
  const known = setting === "client_id" || setting === "auth_url" || !setting;
  const text = known
    ? problemText(kind, reason)
    : t("invalid_setting_text", { setting: t(`setting_${setting}`), reason: problemText(kind, reason) });
  $(`${field}-error`).textContent = text;
  $(field).setAttribute("aria-invalid", "true");
  announce(text);
  $(field).focus();
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !current) return;
  const state = current.state;
  if (state === "code_shown" || state === "starting") call("cancel_sign_in");
  else if (state === "error" && current.can_go_back) call("cancel_sign_in");
  else if (state === "about" || (state === "setup" && !current.first_run)) call("close_overlay");
});

const channel = new Channel();
channel.onmessage = render;
call("connect", { onView: channel }).then((view) => {
  if (view && !view.error) render(view);
});
