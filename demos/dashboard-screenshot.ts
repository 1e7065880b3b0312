/**
 * Makes docs/dashboard.png: the main demo's dashboard at 1280×800 in headless Chromium
 * (/usr/bin/chromium, driven by playwright-core), after a scene played through the page as a
 * person would: shipping slowed down until it is the forecast's bottleneck, then the active
 * payment provider's breaker tripped, so that the payments group has failed over to the backup.
 *
 *   npx tsx demos/dashboard-screenshot.ts [out.png]      about 75 s
 */
import { chromium } from 'playwright-core';
import { createNetworkServer } from '../lib/index.ts';
import { createShopDemo } from './shop-network.ts';

const out = process.argv[2] ?? 'docs/dashboard.png';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The page's functions run in the browser: the few DOM names they use. */
declare const document: { querySelector(selector: string): { value: string; dispatchEvent(event: unknown): boolean } | null };
declare const Event: new (type: string) => unknown;

const shop = createShopDemo({ name: 'shop' });
await shop.net.start();
const server = await createNetworkServer(shop.net, { actions: shop.actions });
shop.startTraffic();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await sleep(15_000);
  // Shipping slowed to 12 ms a signal: 4 partitions serve about 330 orders/s of the 400 sent.
  await page.locator('#action-slow-down-node').selectOption('shipping');
  await page.evaluate(() => {
    const input = document.querySelector('#action-slow-down-delay-ms')!;
    input.value = '12';
    input.dispatchEvent(new Event('input'));
  });
  await page.locator('button[data-action="slow-down"]').click();
  await sleep(30_000);
  await page.locator('#graph [data-node="pay-primary"]').click();
  await page.locator('#control-trip').click();
  await page.locator('#failover li.active[data-member="pay-backup"]').waitFor();
  // Long enough for the toasts to go and the forecast to follow.
  await sleep(25_000);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await shop.stopTraffic();
  await shop.net.shutdown({ timeoutMs: 5_000 });
}
