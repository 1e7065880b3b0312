import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createNetworkServer, type NetworkServer } from '../../lib/index.ts';
import { createShopDemo, SHOP_NODES, type ShopDemo } from '../../demos/shop-network.ts';

// The live dashboard in a real browser: Debian's chromium (installed by .ci/run), driven by
// playwright-core, on the main demo's network with real traffic. Real time, bounded by waits on
// what the page shows (never a fixed sleep), each under mocha's timeout.

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the spec leaves its screenshot (a temporary path; docs/dashboard.png is made by hand). */
const SCREENSHOT = join(tmpdir(), 'plexus-dashboard-spec.png');

/** The few DOM names the page functions below use: the specs' TypeScript has no DOM types. */
interface PageElement {
  getAttribute(name: string): string | null;
  readonly textContent: string | null;
  value: string;
  dispatchEvent(event: unknown): boolean;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): { readonly length: number } };
declare const Event: new (type: string) => unknown;

/**
 * Waits until the graph draws `node`'s breaker in `state`. A function, not a string: the page's
 * Content-Security-Policy forbids eval, which a string predicate needs.
 */
const breakerDrawn = (page: Page, node: string, state: string) =>
  page.waitForFunction(([n, s]) => document.querySelector(`#graph [data-node="${n}"]`)?.getAttribute('data-breaker') === s, [node, state] as const);

describe('serve: the live dashboard in headless Chromium', function () {
  if (!existsSync(CHROMIUM)) {
    it(`skipped: ${CHROMIUM} is missing (Debian's chromium package; .ci/run installs it)`, function () {
      this.skip();
    });
    return;
  }
  this.timeout(60_000);
  let browser: Browser | undefined;
  let shop: ShopDemo;
  let server: NetworkServer;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    shop = createShopDemo({ name: 'dashboard-spec', ratePerSecond: 200 });
    await shop.net.start();
    server = await createNetworkServer(shop.net, { actions: shop.actions });
    shop.startTraffic();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    // Undefined when `before` failed early.
    if (shop === undefined) return;
    await shop.stopTraffic();
    await shop.net.shutdown({ timeoutMs: 5_000 });
  });

  it("loads and shows the demo's nodes in the graph and the node table, with live figures", async () => {
    await page.goto(server.url);
    for (const name of SHOP_NODES) {
      await page.locator(`#graph [data-node="${name}"]`).waitFor();
      await page.locator(`#nodes-body tr[data-node="${name}"]`).waitFor();
    }
    expect(await page.locator('#network-name').textContent()).to.equal('dashboard-spec');
    // The edges come from the journal: orders → payments is there once signals went through.
    await page.waitForFunction(() => document.querySelectorAll('#graph path.edge').length >= 4);
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector('#kpi-completed dd')?.textContent ?? ''));
    expect(await page.locator('#graph [data-node="payments"]').getAttribute('data-breaker')).to.equal('closed');
    // The demo's own actions are drawn from their parameters.
    for (const action of ['fail-share', 'slow-down', 'flood', 'calm']) await page.locator(`button[data-action="${action}"]`).waitFor();
    // What the health report carries besides the known parts is drawn from its shape: the forecast's per-node table, the flags.
    await page.locator('[data-section="forecast"] td', { hasText: 'payments' }).first().waitFor();
    await page.locator('[data-section="feature flags"] dt', { hasText: 'reflexes' }).waitFor();
    expect(pageErrors).to.deep.equal([]);
  });

  it('trips a breaker from the controls: the network isolates it and the page draws it open, with its runbook link', async () => {
    await page.locator('#graph [data-node="payments"]').click();
    expect(await page.locator('#control-node').inputValue()).to.equal('payments');
    await page.locator('#control-trip').click();
    await breakerDrawn(page, 'payments', 'open');
    expect([shop.net.breaker('payments')!.state, shop.net.breaker('payments')!.isolated]).to.deep.equal(['open', true]);
    expect(await page.locator('#graph [data-node="payments"]').getAttribute('class')).to.include('breaker-open');
    expect(await page.locator('#graph [data-node="payments"] .pill-text').textContent()).to.include('open');
    await page.locator('#nodes-body tr[data-node="payments"] a[href="/runbook#alert-breaker-open"]').waitFor();
    await page.screenshot({ path: SCREENSHOT });
    expect(statSync(SCREENSHOT).size).to.be.greaterThan(20_000);

    await page.locator('#control-reset').click();
    await breakerDrawn(page, 'payments', 'closed');
    expect(shop.net.breaker('payments')!.state).to.equal('closed');
  });

  it('sends a signal with a version the schema does not support: it ends as a dead letter the page lists', async () => {
    await page.locator('#graph [data-node="orders"]').click();
    await page.locator('#control-unsupported').click();
    await page.locator('#dead-letters li[data-id] .pill', { hasText: 'unsupported-version' }).first().waitFor();
    expect(shop.net.dlq.list({ reason: 'unsupported-version' }).map((d) => [d.node, d.signal.type, d.signal.version])).to.deep.equal([['orders', 'order.placed', '9.9']]);
  });

  it("runs one of the demo's actions with the values set on the page: dead letters appear, one's trace shows its failed hop, one is reprocessed", async () => {
    await page.locator('#action-fail-share-node').selectOption('inventory');
    // A range input: set as a person dragging it would, with its input event.
    await page.evaluate(() => {
      const input = document.querySelector('#action-fail-share-share')!;
      input.value = '1';
      input.dispatchEvent(new Event('input'));
    });
    await page.locator('button[data-action="fail-share"]').click();
    const inventoryDead = page.locator('#dead-letters li[data-id]', { has: page.locator('strong', { hasText: 'inventory' }) });
    await inventoryDead.first().waitFor();
    const size = shop.net.dlq.size;
    expect(size).to.be.greaterThan(0);
    await page.locator('button[data-action="calm"]').click();
    // Its correlation opens the trace: the hops that completed and the one that failed.
    await inventoryDead.first().locator('a').click();
    await page.locator('#trace li.failed').first().waitFor();
    expect(await page.locator('#trace li.failed strong').first().textContent()).to.equal('inventory');
    const id = await page.locator('#dead-letters li[data-id]').first().getAttribute('data-id');
    await page.locator(`#dead-letters li[data-id="${id}"] button.primary`).click();
    await page.waitForFunction((gone) => document.querySelector(`#dead-letters li[data-id="${gone}"]`) === null, id);
    expect(shop.net.dlq.get(id!)).to.equal(undefined);
    expect(pageErrors).to.deep.equal([]);
  });

  it('with a token: the page asks for it, and connects with it given as #token= (then drops it from the address)', async () => {
    const guarded = await createNetworkServer(shop.net, { token: 'open-sesame' });
    const asking = await browser!.newPage();
    await asking.goto(guarded.url);
    await asking.locator('#token-bar').waitFor();
    expect(await asking.locator('#graph [data-node]').count()).to.equal(0);
    await asking.close();
    const given = await browser!.newPage();
    await given.goto(`${guarded.url}/#token=open-sesame`);
    await given.locator('#graph [data-node="payments"]').waitFor();
    await given.waitForFunction(() => document.querySelector('#live-text')?.textContent === 'live');
    expect(new URL(given.url()).hash).to.equal('');
    await given.close();
    await guarded.close();
  });

  it('opens the runbook entry a link names', async () => {
    const runbook = await browser!.newPage();
    await runbook.goto(`${server.url}/runbook#alert-breaker-open`);
    expect(await runbook.locator('#alert-breaker-open').textContent()).to.equal('Alert: breaker-open');
    await runbook.close();
  });
});
