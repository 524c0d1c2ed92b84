// The flights report: counts of watched aircraft's flights per ISO week or
// calendar month from GET /api/v1/stats, drawn as SVG charts and tables
// with CSV downloads. No library, no network beyond this server's API.

const BYS = [
  { by: 'country', title: 'By destination country' },
  { by: 'airport', title: 'By destination airport' },
  { by: 'origin', title: 'By departure airport' },
  { by: 'operator', title: 'By operator (callsign prefix or watchlist entry)' },
  { by: 'class', title: 'By class' },
];
/**
 * One row of GET /api/v1/stats: a group's count in one period.
 * @typedef {object} StatsRow
 * @property {string} start the period's start, RFC 3339
 * @property {string} period the period's label
 * @property {string} group
 * @property {number} count
 * @property {number} change latest period against the mean of the 6 before
 * @property {number} [change_pct]
 */
/**
 * An answer of GET /api/v1/stats.
 * @typedef {{ period: string, since: string, until: string, rows: StatsRow[] }} StatsAnswer
 */
/**
 * What the report shows: per week or month, dates as YYYY-MM-DD or ''.
 * @typedef {{ period: string, since: string, until: string }} Params
 */
/** @typedef {{ total: number, byStart: Map<number, StatsRow> }} Group */

/** @type {Record<string, string>} */
const CLASS_COLORS = {
  removal: '#f97316', domestic: '#38bdf8', return: '#22c55e', foreign: '#a78bfa', unknown: '#64748b',
};
const SVG = 'http://www.w3.org/2000/svg';

/**
 * The element with this id; the page has every id the report uses.
 * @param {string} id
 * @returns {any} the element (an input, a form or another element)
 */
function $(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`report: the page has no #${id}`);
  return e;
}

/**
 * A new HTML element, or SVG for a tag "svg:<name>".
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {string} [text]
 * @returns {Element}
 */
function el(tag, attrs = {}, text) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Period starts (UTC ms) from since (inclusive) to until (exclusive).
 * @param {string} period 'week' or 'month'
 * @param {number} since
 * @param {number} until
 * @returns {number[]}
 */
function periodStarts(period, since, until) {
  const out = [];
  const d = new Date(since);
  while (d.getTime() < until && out.length < 1000) {
    out.push(d.getTime());
    if (period === 'month') d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + 7);
  }
  return out;
}

/** @param {number} ms */
const dayLabel = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * @param {Params} params
 * @param {string} by
 * @param {Record<string, string>} [extra]
 * @returns {string}
 */
function query(params, by, extra = {}) {
  const q = new URLSearchParams({ period: params.period, by, ...extra });
  if (params.since) q.set('since', `${params.since}T00:00:00Z`);
  if (params.until) q.set('until', `${params.until}T00:00:00Z`);
  return `api/v1/stats?${q}`;
}

/**
 * @param {Params} params
 * @returns {Promise<Record<string, StatsAnswer>>} answers by grouping
 */
async function load(params) {
  const answers = await Promise.all(BYS.map(async ({ by }) => {
    const res = await fetch(query(params, by), { headers: { Accept: 'application/json' } });
    if (!res.ok) {
      let msg = `${res.status}`;
      try { msg = (await res.json()).error || msg; } catch { /* not JSON */ }
      throw new Error(`stats by ${by}: ${msg}`);
    }
    return [by, await res.json()];
  }));
  return Object.fromEntries(answers);
}

/**
 * counts[group][periodStart] from an answer's rows, largest total first.
 * @param {StatsAnswer} ans
 * @returns {Array<[string, Group]>}
 */
function pivot(ans) {
  /** @type {Map<string, Group>} */
  const groups = new Map();
  for (const r of ans.rows) {
    const t = Date.parse(r.start);
    let g = groups.get(r.group);
    if (!g) {
      g = { total: 0, byStart: new Map() };
      groups.set(r.group, g);
    }
    g.byStart.set(t, r);
    g.total += r.count;
  }
  return [...groups.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
}

/** @param {StatsAnswer} ans */
function drawStacked(ans) {
  const box = $('chart-class');
  box.replaceChildren();
  const starts = periodStarts(ans.period, Date.parse(ans.since), Date.parse(ans.until));
  const groups = pivot(ans);
  const totals = starts.map((t) => groups.reduce((s, [, g]) => s + (g.byStart.get(t)?.count || 0), 0));
  const max = Math.max(1, ...totals);
  const W = 640, H = 240, L = 34, B = 40, T = 10;
  const bw = (W - L - 8) / Math.max(1, starts.length);
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, 'data-periods': starts.length });
  svg.append(el('svg:line', { class: 'axis', x1: L, y1: H - B, x2: W, y2: H - B }));
  const ticks = Math.min(max, 4);
  for (let i = 0; i <= ticks; i++) {
    const v = Math.round((max * i) / ticks);
    const y = H - B - ((H - B - T) * v) / max;
    svg.append(el('svg:text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, String(v)));
    svg.append(el('svg:line', { class: 'axis', x1: L, y1: y, x2: W, y2: y, 'stroke-dasharray': '2 4' }));
  }
  const order = Object.keys(CLASS_COLORS);
  const sorted = [...groups].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  starts.forEach((t, i) => {
    let y = H - B;
    for (const [name, g] of sorted) {
      const r = g.byStart.get(t);
      if (!r || !r.count) continue;
      const h = ((H - B - T) * r.count) / max;
      y -= h;
      const rect = el('svg:rect', { x: L + i * bw + 2, y, width: Math.max(1, bw - 4), height: h,
        fill: CLASS_COLORS[name] || '#94a3b8', class: 'bar', 'data-class': name, 'data-count': r.count });
      rect.append(el('svg:title', {}, `${r.period} ${name}: ${r.count}`));
      svg.append(rect);
    }
    if (totals[i]) svg.append(el('svg:text', { class: 'value', x: L + i * bw + bw / 2, y: y - 3, 'text-anchor': 'middle' }, String(totals[i])));
    const every = Math.ceil(starts.length / 8);
    if (i % every === 0) {
      svg.append(el('svg:text', { x: L + i * bw + bw / 2, y: H - B + 14, 'text-anchor': 'middle' }, dayLabel(t).slice(5)));
    }
  });
  svg.append(el('svg:text', { x: L, y: H - 6 }, `${dayLabel(starts[0] ?? Date.parse(ans.since))} … ${dayLabel(Date.parse(ans.until) - 86400000)}`));
  box.append(svg);
  const legend = $('legend-class');
  legend.replaceChildren(...sorted.map(([name, g]) => {
    const li = el('li');
    li.append(el('span', { style: `background:${CLASS_COLORS[name] || '#94a3b8'}` }), `${name} (${g.total})`);
    return li;
  }));
}

/** @param {StatsAnswer} ans */
function drawTop(ans) {
  const box = $('chart-dest');
  box.replaceChildren();
  const top = pivot(ans).filter(([, g]) => g.total > 0).slice(0, 10);
  if (top.length === 0) {
    box.append(el('p', { class: 'empty' }, 'No flights in this window.'));
    return;
  }
  const W = 640, row = 22, L = 70;
  const H = top.length * row + 8;
  const max = Math.max(...top.map(([, g]) => g.total));
  const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}` });
  top.forEach(([name, g], i) => {
    const y = 4 + i * row;
    const w = ((W - L - 40) * g.total) / max;
    svg.append(el('svg:text', { x: L - 8, y: y + 14, 'text-anchor': 'end' }, name));
    const rect = el('svg:rect', { x: L, y, width: Math.max(1, w), height: row - 6, fill: '#38bdf8', class: 'bar', 'data-group': name });
    rect.append(el('svg:title', {}, `${name}: ${g.total}`));
    svg.append(rect);
    svg.append(el('svg:text', { class: 'value', x: L + w + 6, y: y + 14 }, String(g.total)));
  });
  box.append(svg);
}

/**
 * The change column's text and class.
 * @param {StatsRow | undefined} r
 * @returns {[string, string]}
 */
function fmtChange(r) {
  if (!r) return ['', ''];
  const sign = r.change > 0 ? '+' : '';
  const pct = r.change_pct === undefined ? '' : ` (${sign}${Math.round(r.change_pct)}%)`;
  return [`${sign}${r.change.toFixed(1)}${pct}`, r.change > 0 ? 'up' : r.change < 0 ? 'down' : ''];
}

/**
 * @param {Params} params
 * @param {string} by
 * @param {string} title
 * @param {StatsAnswer} ans
 * @returns {Element}
 */
function drawTable(params, by, title, ans) {
  const card = el('section', { class: 'card table-card', id: `table-${by}`, 'data-by': by });
  const head = el('div', { class: 'table-head' });
  head.append(el('h2', {}, `${title} — per ${ans.period}`));
  const csv = el('a', { href: query(params, by, { f: 'csv' }), download: `flights-per-${ans.period}-by-${by}.csv`, class: 'csv' }, 'Download CSV');
  head.append(csv);
  card.append(head);
  const groups = pivot(ans);
  const starts = [...new Set(ans.rows.map((r) => Date.parse(r.start)))].sort((a, b) => a - b);
  if (groups.length === 0) {
    card.append(el('p', { class: 'empty' }, 'No flights in this window.'));
    return card;
  }
  const labels = new Map(ans.rows.map((r) => [Date.parse(r.start), r.period]));
  /** @param {number} t */
  const label = (t) => labels.get(t) || '';
  const table = el('table');
  const thead = el('thead');
  const hr = el('tr');
  hr.append(el('th', { scope: 'col' }, by));
  for (const t of starts) hr.append(el('th', { scope: 'col', title: dayLabel(t) }, label(t)));
  hr.append(el('th', { scope: 'col' }, 'total'));
  hr.append(el('th', { scope: 'col', title: 'latest period against the mean of the 6 before' }, 'latest vs mean of 6 before'));
  thead.append(hr);
  table.append(thead);
  const tbody = el('tbody');
  const last = starts[starts.length - 1];
  for (const [name, g] of groups) {
    const tr = el('tr', { 'data-group': name });
    tr.append(el('th', { scope: 'row' }, name));
    for (const t of starts) {
      const r = g.byStart.get(t);
      const n = r ? r.count : 0;
      tr.append(el('td', { class: n ? '' : 'zero', 'data-period': label(t) }, String(n)));
    }
    tr.append(el('td', { class: 'total' }, String(g.total)));
    const [text, cls] = fmtChange(g.byStart.get(last));
    tr.append(el('td', { class: cls }, text));
    tbody.append(tr);
  }
  table.append(tbody);
  card.append(table);
  return card;
}

/** @returns {Params} */
function paramsFromURL() {
  const q = new URLSearchParams(location.search);
  const period = q.get('period') === 'month' ? 'month' : 'week';
  /** @param {string | null} v */
  const date = (v) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return { period, since: date(q.get('since')), until: date(q.get('until')) };
}

/**
 * @param {Params} params
 * @returns {Promise<Record<string, StatsAnswer>>}
 */
async function render(params) {
  const status = $('status');
  status.className = 'status';
  status.textContent = 'Loading…';
  for (const u of document.querySelectorAll('.unit')) u.textContent = params.period;
  try {
    const data = await load(params);
    drawStacked(data.class);
    drawTop(data.country);
    $('tables').replaceChildren(...BYS.map(({ by, title }) => drawTable(params, by, title, data[by])));
    const n = data.class.rows.reduce((s, r) => s + r.count, 0);
    status.textContent = `${n} flights from ${dayLabel(Date.parse(data.class.since))} to ${dayLabel(Date.parse(data.class.until) - 86400000)}.`;
    report.data = data;
    document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
    return data;
  } catch (err) {
    status.className = 'status error';
    status.textContent = `Could not load the report: ${err instanceof Error ? err.message : err}`;
    throw err;
  }
}

/** @type {{ data: Record<string, StatsAnswer> | null, ready: Promise<unknown> | null, render: typeof render }} */
const report = { data: null, ready: null, render };
window.flightwatchReport = report;

const params = paramsFromURL();
$('period').value = params.period;
$('since').value = params.since;
$('until').value = params.until;
$('controls').addEventListener('submit', (/** @type {SubmitEvent} */ ev) => {
  ev.preventDefault();
  const next = { period: $('period').value, since: $('since').value, until: $('until').value };
  const q = new URLSearchParams(Object.entries(next).filter(([, v]) => v));
  history.replaceState(null, '', `?${q}`);
  render(next).catch(() => {});
});
$('period').addEventListener('change', () => $('controls').requestSubmit());
report.ready = render(params);
