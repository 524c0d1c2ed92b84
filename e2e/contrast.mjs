// WCAG 2 contrast ratios for the map's dark theme.
//
// As a script (`node contrast.mjs`) it reads the colours of
// static/web/style.css (:root custom properties) and of the alert badges
// (static/web/alerts.js), prints the ratio of every text and control colour
// pair the page uses, and exits 1 when one is below its WCAG AA minimum
// (4.5:1 for text, 3:1 for large text and for the edges of controls).
// As a module it exports the pure helpers and pageContrast, a function run
// in the page that checks the colours the browser actually computed.

import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..', 'static', 'web');

/**
 * Parses #rgb, #rrggbb or rgb()/rgba() into [r, g, b, a] (0-255, a 0-1).
 * @param {string} s
 * @returns {[number, number, number, number]}
 */
export function parseColor(s) {
  const t = String(s).trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(t);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16)).concat(1);
  m = /^#([0-9a-f]{6})$/.exec(t);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16)).concat(1);
  m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(t);
  if (m) {
    let a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    if (!Number.isFinite(a)) a = 1;
    return [Number(m[1]), Number(m[2]), Number(m[3]), a];
  }
  if (t === '#fff' || t === 'white') return [255, 255, 255, 1];
  throw new Error(`contrast: cannot parse colour ${JSON.stringify(s)}`);
}

/**
 * Relative luminance of an opaque sRGB colour.
 * @param {number[]} c [r, g, b] 0-255
 */
export function luminance(c) {
  const lin = (v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/**
 * The contrast ratio of two colours (strings or [r, g, b]); 1 to 21.
 * @param {string | number[]} a
 * @param {string | number[]} b
 */
export function ratio(a, b) {
  const la = luminance(typeof a === 'string' ? parseColor(a) : a);
  const lb = luminance(typeof b === 'string' ? parseColor(b) : b);
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The custom properties of the top-level :root blocks that are plain colours.
 * @param {string} css
 * @returns {Record<string, string>}
 */
export function rootColors(css) {
  const roots = [...css.matchAll(/(?:^|\n)\s*:root\s*\{([^}]*)\}/g)];
  if (!roots.length) throw new Error('contrast: style.css has no :root block');
  const out = {};
  // Later blocks override earlier ones, as in the cascade.
  for (const m of roots.map((r) => r[1]).join('\n').matchAll(/--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\s*;/g)) out[m[1]] = m[2];
  return out;
}

/**
 * The pairs the page uses: [what, foreground, background, minimum].
 * @param {Record<string, string>} v the :root colours
 * @param {Record<string, string>} badges alert type → badge colour
 * @returns {[string, string, string, number][]}
 */
export function pairs(v, badges) {
  const p = [];
  for (const bg of ['bg', 'panel', 'panel-2']) {
    p.push([`text on ${bg}`, v.text, v[bg], 4.5]);
    p.push([`muted on ${bg}`, v.muted, v[bg], 4.5]);
    p.push([`accent (links, focus ring) on ${bg}`, v.accent, v[bg], 4.5]);
    p.push([`control edge on ${bg}`, v['control-line'], v[bg], 3]);
  }
  p.push(['text on pressed tool', v.text, v['pressed'], 4.5]);
  p.push(['count on bad-strong', '#ffffff', v['bad-strong'], 4.5]);
  p.push(['banner text', '#fff7ed', '#7c2d12', 4.5]);
  p.push(['badge text on muted', v.bg, v.muted, 4.5]);
  for (const [type, c] of Object.entries(badges)) p.push([`badge text on ${type}`, v.bg, c, 4.5]);
  return p;
}

/**
 * The alert badge colours of alerts.js.
 * @param {string} js
 * @returns {Record<string, string>}
 */
export function badgeColors(js) {
  const block = /ALERT_COLORS\s*=\s*\{([^}]*)\}/.exec(js);
  if (!block) throw new Error('contrast: alerts.js has no ALERT_COLORS');
  const out = {};
  for (const m of block[1].matchAll(/(\w+)\s*:\s*'(#[0-9a-fA-F]{3,6})'/g)) out[m[1]] = m[2];
  return out;
}

/** @returns {{ what: string, fg: string, bg: string, ratio: number, min: number }[]} the pairs of the source files */
export function sourcePairs() {
  const v = rootColors(readFileSync(join(web, 'style.css'), 'utf8'));
  const badges = badgeColors(readFileSync(join(web, 'alerts.js'), 'utf8'));
  return pairs(v, badges).map(([what, fg, bg, min]) => {
    if (!fg || !bg) throw new Error(`contrast: ${what}: a colour is not defined in :root`);
    return { what, fg, bg, ratio: ratio(fg, bg), min };
  });
}

/**
 * Runs in the page: every visible element with its own text, and every
 * button and select, with the contrast of its text (and of a control's
 * border) against the background behind it (the nearest opaque-ish
 * ancestor background, alpha-blended over the page background). It
 * returns the ones below WCAG AA. On the map, a control with a background
 * of its own is judged over the map's background colour; text with none
 * (up to the map) is skipped: what is behind it is the map's imagery.
 * @returns {{ what: string, fg: string, bg: string, ratio: number, min: number }[]}
 */
export function pageContrast() {
  const parse = (s) => {
    const m = /rgba?\(([^)]+)\)/.exec(s);
    if (!m) return null;
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const lum = (c) => {
    const f = (v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratioOf = (a, b) => { const x = lum(a); const y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const page = parse(getComputedStyle(document.body).backgroundColor) || [11, 20, 32, 1];
  const mapEl = document.getElementById('map');
  // The background behind el, or null over the map canvas.
  const backdrop = (el) => {
    const layers = [];
    let under = page;
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (e === mapEl) {
        // A control on the map: its own background over the map's
        // (the imagery varies), or nothing to judge without one.
        if (!layers.some((c) => c[3] >= 0.5)) return null;
        under = parse(getComputedStyle(mapEl).backgroundColor) || page;
        break;
      }
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 0.999) break;
      }
    }
    let bg = under.slice(0, 3);
    for (let i = layers.length - 1; i >= 0; i -= 1) bg = over(layers[i], bg);
    return bg;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && Number(s.opacity) > 0.01;
  };
  const hex = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(',')})`;
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!(el instanceof HTMLElement) || !shown(el)) continue;
    if (el.closest('.maplibregl-canvas-container, .maplibregl-ctrl-attrib-button, .maplibregl-marker')) continue;
    if (el.matches('.maplibregl-ctrl-group button')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    // A group of map buttons is one control: its edge is the group's.
    const control = el.matches('button, select, .maplibregl-ctrl-group') && !el.closest('.maplibregl-ctrl-group button');
    if (!own && !control) continue;
    const bg = backdrop(el);
    if (!bg) continue;
    const s = getComputedStyle(el);
    const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
    // Opacity of the element and its ancestors fades its text into the background.
    let alpha = 1;
    for (let e = el; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
    if (own) {
      const fg = parse(s.color);
      if (fg) {
        const c = over([fg[0], fg[1], fg[2], fg[3] * alpha], bg);
        const size = parseFloat(s.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
        const min = large ? 3 : 4.5;
        const r = ratioOf(c, bg);
        if (r < min) bad.push({ what: `text of ${name}: ${JSON.stringify(el.textContent.trim().slice(0, 30))}`, fg: hex(c), bg: hex(bg), ratio: Math.round(r * 100) / 100, min });
      }
    }
    if (control) {
      // A control must stand out from what is around it: by its border,
      // or else by its own background (WCAG 1.4.11, 3:1).
      const around = el.parentElement ? backdrop(el.parentElement) : bg;
      if (!around) continue;
      const border = parse(s.borderTopColor);
      const bw = parseFloat(s.borderTopWidth);
      const edge = border && bw > 0 ? over(border, around) : bg;
      const r = Math.max(ratioOf(edge, around), ratioOf(bg, around));
      const plain = el.classList.contains('alert-item') || el.classList.contains('sheet-handle') || el.classList.contains('close');
      if (!plain && r < 3) bad.push({ what: `edge of ${name}`, fg: hex(edge), bg: hex(around), ratio: Math.round(r * 100) / 100, min: 3 });
    }
  }
  return bad;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let failed = 0;
  for (const p of sourcePairs()) {
    const ok = p.ratio >= p.min;
    if (!ok) failed += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${p.ratio.toFixed(2).padStart(5)}:1 (min ${p.min}) ${p.what}: ${p.fg} on ${p.bg}`);
  }
  process.exit(failed ? 1 : 0);
}
