// Writes the README's screenshots into docs/: it starts the demo (or uses
// FLIGHTWATCH_E2E_URL), waits for the story, and saves
//   docs/demo.png     the planned routes, live aircraft and the alerts of
//                     the story (REACH 538 turning back), 1280 × 800;
//   docs/airport.png  El Paso (KELP and KBIF) at zoom 11 with its labels;
//   docs/table.png    the aircraft table, when the page has #btn-table;
//   docs/history.png  RCH538 shown at its turn-back on the history bar, with
//                     its flight panel and the pass's flights and alerts.
// A page without the table or history button gets no such picture; the
// script says so and goes on. Run it with `make screenshots`.
//
// Environment: as the browser tests (FLIGHTWATCH_E2E_URL,
// FLIGHTWATCH_E2E_CHROMIUM), and FLIGHTWATCH_SHOTS_STORY_MS, how long to
// wait for REACH 538's turned_back alert (default 420000).

import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startServer, launchBrowser } from './harness.mjs';

const storyMs = Number(process.env.FLIGHTWATCH_SHOTS_STORY_MS || 420000);
const docs = join(repoRoot, 'docs');

// Waits for the map to finish drawing what it has.
function idle(page) {
  return page.evaluate(() => new Promise((r) => {
    const { map } = window.flightwatch;
    map.once('idle', () => r());
    map.triggerRepaint();
  }));
}

// Shows a panel by its button, saves the picture, and hides it again;
// without the button it reports the skip.
async function panelShot(page, button, file, what) {
  if (!(await page.$(`#${button}`))) {
    console.log(`skip docs/${file}: the page has no #${button} (no ${what} yet)`);
    return;
  }
  await page.click(`#${button}`);
  await page.waitForTimeout(1500); // the panel's first fetch and draw
  await idle(page);
  await page.screenshot({ path: join(docs, file) });
  console.log(`wrote docs/${file}`);
  await page.click(`#${button}`);
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'flightwatch-shots-'));
  mkdirSync(docs, { recursive: true });
  let server = null;
  let context = null;
  try {
    server = await startServer(tmp, 'server-shots.log');
    const { baseURL } = server;
    let page;
    ({ context, page } = await launchBrowser(tmp, { width: 1280, height: 800 }));
    await page.goto(`${baseURL}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
    const start = await page.evaluate(() => {
      const { map } = window.flightwatch;
      return { center: map.getCenter().toArray(), zoom: map.getZoom() };
    });

    // The story: REACH 538 turns back near the Texas Gulf coast.
    console.log(`waiting up to ${storyMs / 1000}s for RCH538's turned_back alert…`);
    await page.waitForFunction(
      () => [...document.querySelectorAll('#alerts .alert-item')].some((el) => {
        const badge = el.querySelector('.badge');
        const who = el.querySelector('.alert-who');
        return badge && who && /turned.back/i.test(badge.textContent || '') && (who.textContent || '').trim() === 'RCH538';
      }),
      null,
      { timeout: storyMs, polling: 1000 },
    );
    await page.evaluate((v) => window.flightwatch.map.jumpTo(v), start);
    await page.waitForTimeout(2000); // the trails and the last updates
    await idle(page);
    await page.screenshot({ path: join(docs, 'demo.png') });
    console.log('wrote docs/demo.png');

    // An airport with its labels: El Paso International and Biggs AAF.
    const ap = await (await fetch(`${baseURL}/api/v1/airports/KBIF`)).json();
    const bif = ap && ap.geometry && ap.geometry.coordinates;
    const center = bif ? [bif[0], bif[1] - 0.02] : [-106.378, 31.83];
    await page.click('#alerts-close');
    await page.evaluate((c) => window.flightwatch.map.jumpTo({ center: c, zoom: 11 }), center);
    await page.waitForTimeout(1500);
    await idle(page);
    await page.screenshot({ path: join(docs, 'airport.png') });
    console.log('wrote docs/airport.png');
    await page.click('#btn-alerts');

    await page.evaluate((v) => window.flightwatch.map.jumpTo(v), start);
    await idle(page);
    await panelShot(page, 'btn-table', 'table.png', 'aircraft table');
    // History: the map at RCH538's turn-back, its flight panel and the list.
    const turned = await page.evaluate(() => {
      const f = window.flightwatch.alertsPanel.features().find((x) => x.properties && x.properties.type === 'turned_back' && x.properties.hex === 'ae5a38');
      return f ? Date.parse(f.properties.time) : null;
    });
    if (turned === null || !(await page.$('#history-bar'))) {
      console.log('skip docs/history.png: no turned_back alert of RCH538 or no history bar');
    } else {
      await page.evaluate(() => window.flightwatch.selectAircraft('ae5a38'));
      await page.click('#hist-list-btn');
      await page.evaluate((t) => window.flightwatch.setViewTime(t), turned);
      await page.waitForTimeout(3000);
      await idle(page);
      await page.screenshot({ path: join(docs, 'history.png') });
      console.log('wrote docs/history.png');
    }
  } finally {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`screenshots: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
