// The code's view: the code as issued, the verification page, the QR code, the status and
// the countdown, each said once to screen readers.
import { lang, t } from "./i18n.js";
import { $, announce, firstOffered, flash, focus, setText } from "./page.js";

/** @typedef {import("./types/view").CodeView} CodeView */
/** @typedef {import("./types/view").Status} Status */

// The code on screen, and what the live region has said about it: each thing once.
/** @type {CodeView | null} */
let shown = null;
/** @type {string | null} */
let lastCode = null;
/** @type {{ minuteLeft: boolean, status: Status["kind"] }} */
let spoken = { minuteLeft: false, status: "waiting" };
/** @type {ReturnType<typeof setInterval> | undefined} */
let ticker;

/** @param {number} ms */
function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return { minutes: Math.floor(total / 60), seconds: total % 60 };
}

/** @param {Status} status */
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

/** A status as said aloud: a retry without its countdown, which would be stale by then.
 * @param {Status} status */
function statusSpoken(status) {
  return status.kind === "retrying" ? t("retrying_spoken", { reason: t(status.reason) }) : statusText(status);
}

/** The code as one run of characters, exactly as issued: what the learner reads is what
 * they type (the platform matches codes exactly).
 * @param {string} code */
function renderCode(code) {
  $("user-code").textContent = code;
  // Read one character at a time, which is how it is typed.
  $("user-code-spelled").textContent = t("code_spelled", { code: spell(code) });
}

/** @param {string} code */
function spell(code) {
  return [...code].map((c) => (c === " " ? t("space_char") : c)).join(", ");
}

/** Once a second while a code is shown: the countdown and "retrying in N s" tick on
 * screen; aloud, only the last minute is said. */
function tick() {
  if (!shown || shown.status.kind === "approved") return;
  const left = shown.expires_at_ms - Date.now();
  const { minutes, seconds } = clock(left);
  setText("expires-in-clock", t("expires_in", { time: `${minutes}:${String(seconds).padStart(2, "0")}` }));
  // For screen readers, in words that change once a minute: every change costs a repaint.
  setText("expires-in-words", t("expires_within", { minutes: minutes + (seconds > 0 ? 1 : 0) }));
  if (shown.status.kind === "retrying") setText("status", statusText(shown.status));
  if (left <= 60_000 && left > 0 && !spoken.minuteLeft) {
    spoken.minuteLeft = true;
    announce(t("one_minute_left"));
  }
}

/** Leaving the code's view: the countdown stops, and the next code is a new one. */
export function leaveCode() {
  clearInterval(ticker);
  ticker = undefined;
  shown = null;
  lastCode = null;
}

/** Shows the code view `view`, told what changed since the last one.
 * @param {CodeView & { actions: readonly string[] }} view */
export function showCode(view) {
  clearInterval(ticker);
  shown = view;
  setText("status", statusText(view.status));
  const approved = view.status.kind === "approved";
  $("expires-in").hidden = approved;
  $("expires-in-words").hidden = approved;
  if (view.user_code !== lastCode) {
    // A new code: everything else on the page changes with it, and only then.
    lastCode = view.user_code;
    spoken = { minuteLeft: false, status: view.status.kind };
    renderCode(view.user_code);
    $("code-lead").textContent = t(view.trusted ? "code_lead" : "code_lead_manual");
    $("manual-hint").textContent = t(view.trusted ? "manual_hint" : "manual_hint_only");
    $("verification-uri").textContent = view.verification_uri;
    $("verification-uri").classList.toggle("untrusted", !view.trusted);
    const qr = /** @type {HTMLImageElement} */ ($("qr-code"));
    if (view.qr_code) {
      qr.src = view.qr_code;
      qr.alt = t("qr_alt");
    }
    qr.hidden = !view.qr_code;
    $("qr-hint").hidden = !view.qr_code;
    $("unsafe-url").hidden = view.trusted;
    flash("copied", "", false);
    focus(firstOffered($("view-code"), view.actions));
    const minutes = Math.max(1, Math.round((view.expires_at_ms - Date.now()) / 60_000));
    const when = new Intl.RelativeTimeFormat(lang).format(minutes, "minute");
    announce(
      [t("code_announce", { code: spell(view.user_code), when }), view.trusted ? "" : t("unsafe_url")].join(" "),
    );
  } else if (view.status.kind !== spoken.status) {
    // A change of status is said once; its countdown ticks on screen only.
    spoken.status = view.status.kind;
    if (approved) focus(document.querySelector('[data-testid="cancel"]'));
    announce(statusSpoken(view.status));
  }
  tick();
  ticker = setInterval(tick, 1000);
}

