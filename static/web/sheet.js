// Bottom sheets on phone-sized screens (max-width: 600px). Any panel over
// the map opts in by the class "sheet" (and a data-sheet-label for its
// handle); there it is collapsed to a handle in a bar along the bottom of
// the map (nav.sheet-bar, one handle per sheet), and a tap on the handle
// (or an upward drag) opens it above the bar, at most ~60% of the map high
// with the bar. One sheet is open at a time. A sheet that is hidden has no
// handle; unhiding it on a phone opens it. On wider screens nothing
// changes: the bar is not shown and the panels keep their own layout.
//
// The CSS contract is in style.css ("Phones: bottom sheets"); the open
// state is the attribute data-sheet-open on the sheet.

/** The screens where panels become bottom sheets. */
const PHONE = window.matchMedia('(max-width: 600px)');

/** How far (px) a handle is dragged before it counts as a drag, not a tap
 * (the bar is at the bottom of the screen: a drag down has little room). */
const DRAG_PX = 16;

/** @type {Set<(sheet: HTMLElement, open: boolean) => void>} */
const listeners = new Set();

/** @type {Map<HTMLElement, HTMLButtonElement>} each sheet's handle */
const handles = new Map();

/** @type {HTMLElement | null} the bar the handles are in */
let bar = null;

/** @returns {boolean} true while panels are shown as bottom sheets */
export function sheetMode() {
  return PHONE.matches;
}

/**
 * Whether a sheet is open (always false outside sheet mode).
 * @param {HTMLElement} el
 * @returns {boolean}
 */
export function sheetOpen(el) {
  return sheetMode() && el.hasAttribute('data-sheet-open');
}

/**
 * Opens or collapses a sheet; opening it collapses the others.
 * @param {HTMLElement} el
 * @param {boolean} open
 */
export function setSheet(el, open) {
  if (open) {
    for (const other of sheets()) if (other !== el && other.hasAttribute('data-sheet-open')) setSheet(other, false);
  }
  const was = el.hasAttribute('data-sheet-open');
  el.toggleAttribute('data-sheet-open', open);
  const handle = handles.get(el);
  if (handle) handle.setAttribute('aria-expanded', String(open));
  if (was !== open) for (const fn of listeners) fn(el, open);
}

/**
 * Calls fn whenever a sheet opens or collapses.
 * @param {(sheet: HTMLElement, open: boolean) => void} fn
 * @returns {() => void} a function that removes the listener
 */
export function onSheet(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** @returns {HTMLElement[]} the page's sheets */
function sheets() {
  return /** @type {HTMLElement[]} */ ([...document.querySelectorAll('.sheet')]);
}

/** Collapses every open sheet; it reports whether one was open. */
export function closeSheets() {
  let any = false;
  for (const el of sheets()) {
    if (el.hasAttribute('data-sheet-open')) {
      setSheet(el, false);
      any = true;
    }
  }
  return any;
}

/**
 * The height (px) the sheets cover at the bottom of the map: the handle
 * bar, and the open sheet above it. 0 outside sheet mode.
 * @returns {number}
 */
export function sheetCover() {
  if (!sheetMode() || !bar) return 0;
  let top = bar.getBoundingClientRect().top;
  const bottom = bar.getBoundingClientRect().bottom;
  for (const el of sheets()) {
    if (el.hidden || !el.hasAttribute('data-sheet-open')) continue;
    top = Math.min(top, el.getBoundingClientRect().top);
  }
  return Math.max(0, Math.round(bottom - top));
}

/**
 * Gives a sheet its handle in the bar: a button labelled from
 * data-sheet-label (or the sheet's first heading), with the text of the
 * element named by data-sheet-badge (an id) mirrored beside it.
 * @param {HTMLElement} el
 * @param {HTMLElement} into the bar
 */
function addHandle(el, into) {
  if (handles.has(el)) return;
  const handle = document.createElement('button');
  handle.type = 'button';
  handle.className = 'sheet-handle';
  if (el.id) {
    handle.id = `sheet-handle-${el.id}`;
    handle.setAttribute('aria-controls', el.id);
  }
  handle.setAttribute('aria-expanded', String(el.hasAttribute('data-sheet-open')));
  handle.hidden = el.hidden;
  const heading = el.querySelector('h2, h3');
  const label = document.createElement('span');
  label.className = 'sheet-label';
  label.textContent = el.dataset.sheetLabel || (heading && heading.textContent) || 'Panel';
  handle.append(label);
  const badgeOf = el.dataset.sheetBadge ? document.getElementById(el.dataset.sheetBadge) : null;
  if (badgeOf) {
    const badge = document.createElement('span');
    badge.className = 'sheet-badge';
    badge.setAttribute('aria-hidden', 'true');
    const copy = () => {
      const t = (badgeOf.textContent || '').trim();
      badge.textContent = t;
      badge.hidden = t === '' || t === '0';
    };
    copy();
    new MutationObserver(copy).observe(badgeOf, { childList: true, characterData: true, subtree: true });
    handle.append(badge);
  }
  handles.set(el, handle);
  into.append(handle);

  // A tap toggles; a drag up opens and a drag down collapses.
  let startY = NaN;
  let dragged = false;
  handle.addEventListener('pointerdown', (e) => {
    startY = e.clientY;
    dragged = false;
    // The drag goes on when the finger leaves the handle.
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointermove', (e) => {
    if (Number.isNaN(startY) || dragged) return;
    const dy = e.clientY - startY;
    if (Math.abs(dy) < DRAG_PX) return;
    dragged = true;
    setSheet(el, dy < 0);
  });
  const end = () => { startY = NaN; };
  handle.addEventListener('pointerup', end);
  handle.addEventListener('pointercancel', end);
  handle.addEventListener('click', () => {
    if (dragged) {
      dragged = false;
      return;
    }
    setSheet(el, !el.hasAttribute('data-sheet-open'));
  });
}

/** @type {MutationObserver | null} */
let hiddenObserver = null;

/**
 * Takes a sheet in: its handle, and opening when it is unhidden.
 * @param {HTMLElement} el
 */
function adopt(el) {
  if (!bar || handles.has(el)) return;
  addHandle(el, bar);
  if (hiddenObserver) hiddenObserver.observe(el, { attributes: true, attributeFilter: ['hidden'], attributeOldValue: true });
}

/**
 * Builds the handle bar for the page's sheets and keeps watching for new
 * ones (children of main.layout or of the body with the class "sheet").
 */
export function initSheets() {
  if (bar) return;
  const layout = document.querySelector('main.layout') || document.body;
  bar = document.createElement('nav');
  bar.className = 'sheet-bar';
  bar.setAttribute('aria-label', 'Panels');
  layout.append(bar);
  hiddenObserver = new MutationObserver((records) => {
    for (const r of records) {
      const el = /** @type {HTMLElement} */ (r.target);
      const handle = handles.get(el);
      if (handle) handle.hidden = el.hidden;
      if (r.oldValue !== null && !el.hidden && sheetMode()) setSheet(el, true);
      if (el.hidden && el.hasAttribute('data-sheet-open')) setSheet(el, false);
    }
  });
  for (const el of sheets()) adopt(el);
  const added = new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n instanceof HTMLElement && n.classList.contains('sheet')) adopt(n);
      }
    }
  });
  added.observe(layout, { childList: true });
  if (layout !== document.body) added.observe(document.body, { childList: true });
  PHONE.addEventListener('change', () => {
    if (!sheetMode()) closeSheets();
  });
}
