// Renders the view the backend pushes. Holds no secret and decides nothing: the view says
// which buttons and tools it offers, whether it covers another and what Escape does; every
// button sends its command, and the backend answers with a new view.
import { showCode, leaveCode } from "./code.js";
import { paintUpdate } from "./update.js";
import { lang, locale, t } from "./i18n.js";
import { $, announce, firstOffered, flash, focus, setIsolated, setText } from "./page.js";

/** @typedef {import("./types/view").View} View */
/** @typedef {import("./types/view").ErrorAnswer} ErrorAnswer */

const { invoke, Channel } = window.__TAURI__.core;

/** The page's elements that match `selector`.
 * @param {string} selector
 * @returns {HTMLElement[]} */
const all = (selector) => [...document.querySelectorAll(selector)].map((el) => /** @type {HTMLElement} */ (el));

document.documentElement.lang = lang;
for (const el of all("[data-i18n]")) {
  el.textContent = t(el.dataset.i18n || "");
}
for (const el of all("[data-i18n-label]")) {
  el.setAttribute("aria-label", t(el.dataset.i18nLabel || ""));
}

/** The section each screen is drawn in.
 * @type {Record<View["state"], string>} */
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

/** The view shown now; none until the backend has sent one.
 * @type {View | null} */
let current = null;
/** The button that opened settings or about: the focus goes back to it on close.
 * @type {string | null} */
let opener = null;

/** A learner's profile is gone from the page, not only hidden, once another view shows: on a
 * shared computer, the next learner's tools find nothing of the previous one. */
function forgetProfile() {
  for (const id of ["avatar", "profile-email", "profile-member-since", "profile-platform", "offline", "session-kept"]) {
    setText(id, "");
  }
  setIsolated("profile-name", "");
}

/** @param {View} view */
function show(view) {
  if (view.state !== "signed_in") forgetProfile();
  for (const [name, id] of Object.entries(sections)) {
    $(id).hidden = name !== view.state;
  }
  // Every button sends a command; it shows only where the view offers it.
  for (const button of all("[data-command]")) {
    /** @type {readonly string[]} */
    const offered = button.closest("#tools") ? view.tools : view.actions;
    button.hidden = !offered.includes(button.dataset.command || "");
  }
  $("tools").hidden = view.tools.length === 0;
  /** @type {HTMLButtonElement} */ ($("setup-save")).disabled = view.state === "setup" && view.saving;
}

/** A moment, in the learner's words: the time today, else the date and time.
 * @param {number} ms */
function moment(ms) {
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  return new Intl.DateTimeFormat(lang, today ? { timeStyle: "short" } : { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** @param {string | null} value */
function memberSince(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // The system's own date format when it is in the window's language, else the window's.
  const tag = locale.toLowerCase().startsWith(lang) ? locale : lang;
  try {
    return new Intl.DateTimeFormat(tag, { dateStyle: "long" }).format(date);
  } catch {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(date);
  }
}

/** Fills `list` with each setting, its value, and where it comes from.
 * @param {HTMLElement} list
 * @param {readonly import("./types/view").InUse[]} settings */
function listSettings(list, settings) {
  list.replaceChildren();
  for (const item of settings) {
    const dt = document.createElement("dt");
    dt.textContent = t(`setting_${item.key}`);
    const dd = document.createElement("dd");
    const value = document.createElement("bdi");
    value.textContent = item.value;
    const from = document.createElement("span");
    from.className = "muted";
    const where = [t(`layer_${item.from}`), item.locked ? t("locked_mark") : ""].filter(Boolean).join(", ");
    from.textContent = ` (${where})`;
    dd.append(value, from);
    list.append(dt, dd);
  }
}

/** @param {Extract<View, { state: "setup" }>} view
 * @param {boolean} entering */
function renderSetup(view, entering) {
  $("setup-title").textContent = t(view.first_run ? "setup_title" : "settings_title");
  $("setup-switch").hidden = view.first_run || view.locked.includes("auth_url");
  $("setup-managed").hidden = !view.managed;
  const address = /** @type {HTMLInputElement} */ ($("setup-auth-url"));
  const addressLocked = view.locked.includes("auth_url");
  address.readOnly = addressLocked;
  $("setup-auth-url-locked").hidden = !addressLocked;
  $("setup-client-id-field").hidden = view.locked.includes("client_id");
  listSettings($("setup-in-use"), view.in_use);
  if (entering) {
    address.value = view.auth_url;
    /** @type {HTMLInputElement} */ ($("setup-client-id")).value = view.client_id;
    /** @type {HTMLDetailsElement} */ ($("setup-advanced")).open = false;
    clearSetupErrors();
    // The field's label and description say what the form is for.
    focus(addressLocked ? $("setup-title") : address);
  }
}

function clearSetupErrors() {
  for (const id of ["setup-auth-url", "setup-client-id"]) {
    $(id).removeAttribute("aria-invalid");
    $(`${id}-error`).textContent = "";
  }
  $("setup-form-error").textContent = "";
}

/** @param {Extract<View, { state: "error" }>} view
 * @param {boolean} isNew */
function renderError(view, isNew) {
  $("error-title").textContent = t(view.message);
  const params = {
    setting: view.setting ? t(`setting_${view.setting}`) : "",
    reason: view.reason ? t(`invalid_${view.reason}`) : "",
    file: view.file || "",
    line: view.line || "",
  };
  // A file's problem names its line when there is one.
  const noLine = !view.line && ["settings_file_broken", "managed_file_broken"].includes(view.message);
  const textKey = noLine ? `${view.message}_no_line_text` : `${view.message}_text`;
  $("error-text").textContent = t(textKey, params);
  $("error-details").textContent = `${view.message}: ${view.detail}`;
  if (isNew) {
    flash("details-copied", "", false);
    /** @type {HTMLDetailsElement} */ ($("error-details-box")).open = false;
    // The title is the region's name, said as the focus enters it; the sentence is news.
    focus(firstOffered($("view-error"), view.actions) || $("error-title"));
    announce($("error-text").textContent);
  }
}

/** @param {View} view */
function render(view) {
  const previous = current;
  // For scripts/bench: when the learner first sees a view.
  if (!previous) performance.mark("first-view");
  current = view;
  show(view);
  if (view.state !== "code_shown") leaveCode();
  // Back from settings or about to the view below: the focus returns to what opened them,
  // and that view, unchanged, is not read again.
  const uncovered = previous && previous.covers && !view.covers;
  const back = uncovered && opener !== null && !$(opener).hidden;
  if (back && opener !== null) {
    $(opener).focus();
    opener = null;
    paint(view, view, false);
  } else {
    if (uncovered) opener = null;
    paint(view, previous, !previous || previous.state !== view.state);
  }
  paintUpdate(view.update, previous && previous.update);
}

/** Draws `view`'s screen; `previous` is the view shown before it, if any.
 * @param {View} view
 * @param {View | null} previous
 * @param {boolean} entering */
function paint(view, previous, entering) {
  switch (view.state) {
    case "setup":
      renderSetup(view, entering);
      break;
    case "about": {
      $("about-version").textContent = view.version;
      $("about-license").textContent = view.license;
      setIsolated("about-platform", view.platform || t("not_configured_yet"));
      setIsolated("about-built-for", view.built_for || "");
      $("about-built-for").hidden = !view.built_for;
      $("about-built-for-label").hidden = !view.built_for;
      $("about-managed-box").hidden = view.managed.length === 0;
      listSettings($("about-managed"), view.managed);
      if (entering) focus(document.querySelector('[data-testid="about-close"]'));
      break;
    }
    case "restoring":
      // Usually over in a blink: said (by the focus) only if it takes a while.
      if (entering) {
        setTimeout(() => {
          if (current && current.state === "restoring") focus($("view-restoring").querySelector("h1"));
        }, 600);
      }
      break;
    case "signing_out":
    case "starting":
      if (entering) focus($(sections[view.state]).querySelector("h1"));
      break;
    case "waiting_for_keychain":
      if (entering) {
        focus($("skip-keychain"));
        announce(t("waiting_keychain_text"));
      }
      break;
    case "signed_out": {
      const notice = $("notice");
      notice.hidden = !view.notice;
      notice.textContent = view.notice ? t(view.notice) : "";
      if (entering || (previous && previous.state === "signed_out" && previous.notice !== view.notice)) {
        focus($("sign-in"));
        announce(notice.textContent);
      }
      break;
    }
    case "code_shown":
      showCode(view);
      break;
    case "error": {
      // A new error, or another one: said again, even when its detail is the same.
      const prior = previous && previous.state === "error" ? previous : null;
      renderError(view, entering || !prior || prior.message !== view.message || prior.detail !== view.detail);
      break;
    }
    case "signed_in": {
      const p = view.profile;
      $("avatar").textContent = p.initials;
      setIsolated("profile-name", p.display_name);
      setIsolated("profile-email", p.email || "");
      setIsolated("profile-member-since", memberSince(p.member_since));
      $("member-since-label").hidden = !p.member_since;
      /** @type {HTMLElement} */ ($("profile-member-since").parentElement).hidden = !p.member_since;
      setIsolated("profile-platform", view.platform);
      const notRemembered = $("not-remembered");
      notRemembered.hidden = !view.not_remembered;
      notRemembered.textContent = view.not_remembered ? t(view.not_remembered) : "";
      const since = view.signed_in_since_ms ? t("signed_in_since", { when: moment(view.signed_in_since_ms) }) : "";
      // Whether it is kept: said here when it is, and by the notice below when it is not.
      $("session-kept").textContent = [since, view.remembered ? t("kept_here") : ""].join(" ").trim();
      const offline = $("offline");
      const wasOffline = previous && previous.state === "signed_in" && previous.offline_since_ms;
      offline.hidden = !view.offline_since_ms;
      offline.textContent = view.offline_since_ms ? t("offline_mark", { when: moment(view.offline_since_ms) }) : "";
      if (entering) {
        focus(firstOffered($("view-signed-in"), view.actions));
        announce([t("signed_in"), offline.textContent, notRemembered.textContent].join(" "));
      } else if (wasOffline && !view.offline_since_ms) {
        announce(t("back_online"));
      }
      break;
    }
  }
}

/** A command's answer: its value, or the error it was refused with.
 * @typedef {{ value: unknown, error?: undefined } | { value?: undefined, error: ErrorAnswer }} Answer */

/** Sends `command` to the backend.
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<Answer>} */
async function call(command, args) {
  try {
    return { value: await invoke(command, args) };
  } catch (error) {
    return { error: /** @type {ErrorAnswer} */ (error) };
  }
}

/** What the page does after a command it sent, beyond showing the next view.
 * @type {Record<string, (result: Answer) => void>} */
const after = {
  copy_user_code: (result) => flash("copied", result.error ? t("copy_failed") : t("copied"), result.error),
  open_verification_page: (result) =>
    result.error
      ? flash("copied", result.error.message === "unsafe_url" ? t("unsafe_url") : t(result.error.message === "too_fast" ? "too_fast" : "open_failed"), true)
      : flash("copied", t("copied_and_opened"), false),
  copy_support_details: (result) =>
    flash("details-copied", result.error ? t("copy_failed") : t("details_copied"), result.error),
  // The line is gone: the focus goes back to the view.
  dismiss_update: () => current && focus(firstOffered($(sections[current.state]), current.actions)),
};

/** Sends a button's command, the way every button does.
 * @param {string} command */
async function send(command) {
  const before = current;
  const result = await call(command);
  if (after[command]) after[command](result);
  else if (result.error) announce(t(result.error.message));
  // Tried again and nothing changed: say so, rather than nothing at all.
  else if (command === "retry" && current && current === before && current.state === "error")
    announce($("error-text").textContent || "");
}

document.addEventListener("click", (event) => {
  const target = /** @type {Element} */ (event.target);
  const button = /** @type {HTMLButtonElement | null} */ (target.closest("button[data-command]"));
  if (!button || button.type === "submit") return;
  // The focus goes back to what opened settings or about, once they close.
  if (button.closest("#tools") || button.id === "error-settings") opener = button.id;
  send(button.dataset.command || "");
});

$("setup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearSetupErrors();
  const clientIdField = $("setup-client-id-field");
  const result = await call("save_setup", {
    authUrl: /** @type {HTMLInputElement} */ ($("setup-auth-url")).value,
    // A locked client id is not the learner's to send.
    clientId: clientIdField.hidden ? "" : /** @type {HTMLInputElement} */ ($("setup-client-id")).value,
  });
  if (!result.error) return;
  const { message, setting, reason } = result.error;
  const field =
    setting === "client_id" && !clientIdField.hidden ? "setup-client-id" : setting === "auth_url" ? "setup-auth-url" : null;
  const text = reason ? t(`invalid_${reason}`) : t(message);
  if (field) {
    // Said by the field itself as the focus lands on it: its description is the error.
    if (field === "setup-client-id") /** @type {HTMLDetailsElement} */ ($("setup-advanced")).open = true;
    $(`${field}-error`).textContent = text;
    $(field).setAttribute("aria-invalid", "true");
    $(field).focus();
  } else {
    const message = setting ? t("invalid_setting_text", { setting: t(`setting_${setting}`), reason: text }) : text;
    $("setup-form-error").textContent = message;
    announce(message);
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.isComposing || event.defaultPrevented || !current) return;
  if (current.escape) call(current.escape);
});

// The learner is using the window: said now and then (for a sign-out after an idle time).
let lastSaid = 0;
for (const kind of ["pointerdown", "keydown", "wheel", "touchstart"]) {
  document.addEventListener(
    kind,
    () => {
      if (Date.now() - lastSaid < 10_000) return;
      lastSaid = Date.now();
      call("still_here");
    },
    { capture: true, passive: true },
  );
}

/** @type {TauriChannel<View>} */
const channel = new Channel();
channel.onmessage = render;
call("connect", { onView: channel }).then(({ value }) => {
  if (value) render(/** @type {View} */ (value));
});
