// What every view is drawn with: the page's elements, the one live region, text set only
// when it changes, and the first button a view offers.

/** The page's element `id` (every id the page uses is in index.html).
 * @param {string} id
 * @returns {HTMLElement} */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {ReturnType<typeof setTimeout> | undefined} */
let announced;

/** Says `text` once to screen readers, through the one polite live region: after the
 * focus has moved (so that neither cuts the other off), and cleared after a while so that
 * reading the page never starts with stale news. The same text twice is said twice.
 * @param {string} text */
export function announce(text) {
  if (!text) return;
  const region = $("announce");
  clearTimeout(announced);
  region.textContent = "";
  announced = setTimeout(() => {
    region.textContent = text;
    announced = setTimeout(() => (region.textContent = ""), 8000);
  }, 150);
}

/** Sets text only when it changes: every repaint costs CPU while the learner waits.
 * @param {string} id
 * @param {string} text */
export function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

/** Text of a `<bdi>` inside `id`, or of `id` itself: server text is isolated for bidi.
 * @param {string} id
 * @param {string} text */
export function setIsolated(id, text) {
  const el = $(id);
  (el.querySelector("bdi") || el).textContent = text;
}

/** Moves the focus to `el`, when it is shown.
 * @param {Element | null | undefined} el */
export function focus(el) {
  if (el instanceof HTMLElement && !el.hidden) el.focus();
}

/** A short confirmation in the element `id`, next to the button clicked (in the error's
 * colour when it failed), said aloud too.
 * @param {string} id
 * @param {string} text
 * @param {unknown} failed */
export function flash(id, text, failed) {
  $(id).textContent = text;
  $(id).classList.toggle("failed", Boolean(failed));
  announce(text);
}

/** The first button `actions` offers in `section`, in the view's order.
 * @param {HTMLElement} section
 * @param {readonly string[]} actions
 * @returns {HTMLElement | undefined} */
export function firstOffered(section, actions) {
  const buttons = [...section.querySelectorAll("[data-command]")]
    .map((b) => /** @type {HTMLElement} */ (b))
    .filter((b) => !b.hidden);
  return actions.map((a) => buttons.find((b) => b.dataset.command === a)).find(Boolean);
}
