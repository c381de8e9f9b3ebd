// The line about updates, beside every view: an update offered, its download's progress,
// one ready for the next quit, one that failed, and "Updated to X" after a restart.
import { lang, t } from "./i18n.js";
import { $, announce, focus, setText } from "./page.js";

/** @typedef {import("./types/view").UpdateView} UpdateView */

/** Bytes in megabytes, in the learner's number format.
 * @param {number} bytes */
function megabytes(bytes) {
  return new Intl.NumberFormat(lang, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 }).format(bytes / 1e6);
}

/** The line about updates. Said when it appears or changes kind, never at each step of the
 * progress bar, which says its own value to whoever reads it.
 * @param {UpdateView | null} update
 * @param {UpdateView | null} previous */
export function paintUpdate(update, previous) {
  $("update").hidden = !update;
  if (!update) return;
  const text =
    update.kind === "failed"
      ? t(update.message)
      : t({ available: "update_available", managed: "update_managed", downloading: "update_downloading", ready: "update_ready", updated: "updated" }[update.kind], {
          version: update.version,
        });
  setText("update-text", text);
  const bar = /** @type {HTMLProgressElement} */ ($("update-progress"));
  bar.hidden = update.kind !== "downloading";
  let amount = "";
  if (update.kind === "downloading" && update.total) {
    bar.max = update.total;
    bar.value = update.done;
    amount = t("update_progress", { done: megabytes(update.done), total: megabytes(update.total) });
    bar.setAttribute("aria-valuetext", amount);
  } else if (update.kind === "downloading") {
    // Of a size not yet known: a bar that says it is under way.
    bar.removeAttribute("value");
    bar.removeAttribute("aria-valuetext");
  }
  setText("update-amount", amount);
  const notes = $("update-notes");
  notes.hidden = !(update.kind === "updated" && update.notes);
  setText("update-notes", update.kind === "updated" ? update.notes || "" : "");
  if (!previous || previous.kind !== update.kind) {
    // The button clicked is gone: the focus goes to the line that replaced it.
    if (document.activeElement === document.body) focus($("update-text"));
    announce([text, notes.hidden ? "" : notes.textContent].join(" "));
  }
}
