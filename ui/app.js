// Renders the view the backend pushes. Holds no secret and decides nothing: every action
// is a command, and the backend answers with a new view.
import { lang, locale, t } from "./i18n.js";

const { invoke, Channel } = window.__TAURI__.core;
const $ = (id) => document.getElementById(id);

document.documentElement.lang = lang;
for (const el of document.querySelectorAll("[data-i18n]")) {
  el.textContent = t(el.dataset.i18n);
}

const sections = {
  setup: "view-setup",
  restoring: "view-restoring",
  signing_out: "view-signing-out",
  signed_out: "view-signed-out",
  starting: "view-starting",
  code_shown: "view-code",
  error: "view-error",
  signed_in: "view-signed-in",
  about: "view-about",
};

// Settings and about are reachable from the calm views only.
const toolsIn = new Set(["signed_out", "signed_in", "error"]);

let current = null;
let ticker = null;

function show(state) {
  for (const [name, id] of Object.entries(sections)) {
    $(id).hidden = name !== state;
  }
}

function announce(text) {
  $("announce").textContent = text;
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
      return t(`status_retry_${status.reason}`, {
        secs: Math.max(0, Math.ceil((status.retry_at_ms - Date.now()) / 1000)),
      });
    case "approved":
      return t("status_approved");
    default:
      return "";
  }
}

/** Sets text only when it changes: every repaint costs CPU while the learner waits. */
function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

/** Once a second while a code is shown: the countdown and "retrying in N s". */
function tick() {
  if (!current || current.state !== "code_shown") return;
  setText("expires-in", t("expires_in", { time: formatDuration(current.expires_at_ms - Date.now()) }));
  if (current.status.kind === "retrying") {
    setText("status", statusText(current.status));
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

const errorWords = {
  denied: "denied",
  expired: "expired",
  invalid_grant: "expired",
  invalid_client: "invalid_client",
  unsupported_grant_type: "unsupported",
  unreachable: "unreachable",
  server_error: "server_error",
  session_invalid: "session_invalid",
};

function render(view) {
  const previous = current;
  current = view;
  const entering = !previous || previous.state !== view.state;
  show(view.state);
  $("tools").hidden = !toolsIn.has(view.state);
  clearInterval(ticker);
  ticker = null;

  switch (view.state) {
    case "setup": {
      if (entering) {
        $("setup-auth-url").value = view.auth_url;
        $("setup-client-id").value = view.client_id;
        $("setup-error").textContent = "";
        $("setup-auth-url").focus();
      }
      $("setup-cancel").hidden = !view.can_cancel;
      $("setup-switch").hidden = !view.can_cancel;
      break;
    }
    case "about": {
      $("about-version").textContent = view.version;
      $("about-license").textContent = view.license;
      $("about-platform").textContent = view.platform || "—";
      if (entering) document.querySelector('[data-testid="about-close"]').focus();
      break;
    }
    case "restoring":
      announce(t("restoring"));
      break;
    case "signed_out": {
      const notice = $("notice");
      notice.hidden = !view.notice;
      notice.textContent = view.notice ? t(`notice_${view.notice}`) : "";
      if (entering) document.querySelector('[data-testid="sign-in"]').focus();
      announce(view.notice ? notice.textContent : t("welcome_title"));
      break;
    }
    case "starting":
      announce(t("starting"));
      break;
    case "signing_out":
      announce(t("signing_out"));
      break;
    case "code_shown": {
      const sameCode = previous && previous.state === "code_shown" && previous.user_code === view.user_code;
      setText("status", statusText(view.status));
      if (!sameCode) {
        // A new code: everything else on the page changes with it, and only then.
        $("user-code").textContent = view.user_code_display;
        $("user-code").setAttribute("aria-label", view.user_code.split("").join(" "));
        $("verification-uri").textContent = view.verification_uri;
        if (view.qr_code) {
          $("qr-code").src = view.qr_code;
          $("qr-code").alt = t("qr_hint");
        }
        $("qr-code").hidden = !view.qr_code;
        $("open-browser").hidden = !view.can_open;
        $("unsafe-url").hidden = view.can_open;
        $("copied").textContent = "";
        (view.can_open ? $("open-browser") : $("copy-code")).focus();
      }
      tick();
      ticker = setInterval(tick, 1000);
      break;
    }
    case "error": {
      const words = errorWords[view.kind] || "unexpected";
      $("error-title").textContent = t(`error_${words}`);
      $("error-text").textContent = t(`error_${words}_text`);
      $("error-details").textContent = `${view.kind}: ${view.message}`;
      $("details-copied").textContent = "";
      if (entering) $("retry").focus();
      break;
    }
    case "signed_in": {
      const p = view.profile;
      $("avatar").textContent = p.initials;
      $("profile-name").textContent = p.display_name;
      $("profile-email").textContent = p.email || "";
      $("profile-member-since").textContent = memberSince(p.member_since);
      $("profile-member-since").previousElementSibling.hidden = !p.member_since;
      $("profile-platform").textContent = view.platform;
      $("not-remembered").hidden = view.remembered;
      if (entering) $("sign-out").focus();
      announce(t("signed_in_as", { name: p.display_name }));
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

function flash(text) {
  $("copied").textContent = text;
}

document.querySelector('[data-testid="sign-in"]').addEventListener("click", () => call("start_sign_in"));
for (const el of document.querySelectorAll('[data-action="cancel"]')) {
  el.addEventListener("click", () => call("cancel_sign_in"));
}
for (const el of document.querySelectorAll('[data-action="back"]')) {
  el.addEventListener("click", () => call("back"));
}
for (const el of document.querySelectorAll('[data-action="close"]')) {
  el.addEventListener("click", () => call("close_overlay"));
}
$("open-settings").addEventListener("click", () => call("open_settings"));
$("open-about").addEventListener("click", () => call("open_about"));
$("copy-details").addEventListener("click", async () => {
  const result = await call("copy_support_details");
  $("details-copied").textContent = result && result.error ? t("copy_failed") : t("details_copied");
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
    if (result.error.kind === "unsafe_url") {
      $("open-browser").hidden = true;
      $("unsafe-url").hidden = false;
    } else {
      flash(t("open_failed"));
    }
  } else {
    flash(t("copied_and_opened"));
  }
});

$("setup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await call("save_setup", {
    authUrl: $("setup-auth-url").value,
    clientId: $("setup-client-id").value,
  });
  if (result && result.error) {
    const kind = result.error.kind;
    $("setup-error").textContent = t(kind) !== kind ? t(kind) : t("config_file");
    (kind === "invalid_client_id" ? $("setup-client-id") : $("setup-auth-url")).focus();
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !current) return;
  if (current.state === "code_shown" || current.state === "starting") call("cancel_sign_in");
  else if (current.state === "error") call("back");
  else if (current.state === "about" || (current.state === "setup" && current.can_cancel)) call("close_overlay");
});

const channel = new Channel();
channel.onmessage = render;
call("connect", { onView: channel }).then((view) => {
  if (view && !view.error) render(view);
});
