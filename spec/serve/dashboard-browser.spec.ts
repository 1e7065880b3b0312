import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createNetworkServer, type NetworkServer } from '../../lib/index.ts';
import { createShopDemo, SHOP_NODES, SHOP_PAYMENTS, type ShopDemo } from '../../demos/shop-network.ts';

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

/** Waits until the failover panel and the graph both show `member` as the active member of `group`. */
const activeDrawn = async (page: Page, group: string, member: string) => {
  await page.locator(`#failover [data-group="${group}"] li.active[data-member="${member}"]`).waitFor();
  await page.locator(`#graph [data-node="${member}"][data-role="active"]`).waitFor();
};

/** Sets a range input as a person dragging it would, with its input event. */
const setRange = (page: Page, selector: string, value: string) =>
  page.evaluate(
    ([sel, v]) => {
      const input = document.querySelector(sel)!;
      input.value = v;
      input.dispatchEvent(new Event('input'));
    },
    [selector, value] as const,
  );

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
    expect(await page.locator('#graph [data-node="pay-primary"]').getAttribute('data-breaker')).to.equal('closed');
    // The demo's own actions are drawn from their parameters.
    for (const action of ['fail-share', 'slow-down', 'flood', 'calm']) await page.locator(`button[data-action="${action}"]`).waitFor();
    // What the health report carries besides the parts this page knows is drawn from its shape: the flags.
    await page.locator('[data-section="feature flags"] dt', { hasText: 'reflexes' }).waitFor();
    // Failover groups and the forecast have panels of their own, not generic sections.
    expect(await page.locator('[data-section="failover"], [data-section="forecast"]').count()).to.equal(0);
    expect(pageErrors).to.deep.equal([]);
  });

  it("shows the forecast: each node's risk as the network forecasts it, and the bottleneck named in the panel and badged on the graph", async () => {
    for (const name of SHOP_NODES) await page.locator(`#forecast tr[data-node="${name}"] .pill`).waitFor();
    // Light traffic: every node's risk is low on both sides, and the page colours it as such.
    const forecast = shop.net.health().forecast!;
    for (const name of SHOP_NODES) {
      const row = page.locator(`#forecast tr[data-node="${name}"]`);
      const risk = forecast.nodes.find((n) => n.node === name)!.risk;
      expect([name, await row.getAttribute('data-risk'), (await row.locator('.pill').textContent())?.toLowerCase()]).to.deep.equal([name, risk, risk]);
      expect(await row.locator('.pill').getAttribute('class')).to.equal(`pill ${{ low: 'ok', medium: 'warn', high: 'high', critical: 'bad' }[risk]}`);
    }
    // Slowing shipping down (5 ms a signal, through the demo's action on the page) makes it the bottleneck.
    await page.locator('#action-slow-down-node').selectOption('shipping');
    await setRange(page, '#action-slow-down-delay-ms', '5');
    await page.locator('button[data-action="slow-down"]').click();
    await page.locator('#forecast .bottleneck-name', { hasText: 'shipping' }).waitFor();
    await page.locator('#graph [data-node="shipping"][data-bottleneck] .bottleneck-badge[visibility="visible"]').waitFor();
    expect(shop.net.health().forecast!.bottleneck).to.equal('shipping');
    // One badge only.
    expect(await page.locator('#graph .bottleneck-badge[visibility="visible"]').count()).to.equal(1);
    expect(await page.locator('#forecast tr.bottleneck').getAttribute('data-node')).to.equal('shipping');
    await page.locator('button[data-action="calm"]').click();
  });

  it('shows the failover group with its active member; "Switch to" on the standby switches the network\'s group, audited as the dashboard with the reason typed', async () => {
    const { group, members } = SHOP_PAYMENTS;
    const panel = page.locator(`#failover [data-group="${group}"]`);
    await activeDrawn(page, group, 'pay-primary');
    expect(await panel.locator('li[data-member]').evaluateAll((items) => items.map((li) => (li as unknown as PageElement).getAttribute('data-member')))).to.deep.equal([...members]);
    expect(await panel.locator('.group-active').textContent()).to.equal('pay-primary');
    expect(await panel.locator('li[data-member="pay-backup"] .pill').textContent()).to.equal('healthy');
    expect(await panel.locator('a.runbook-link').getAttribute('href')).to.equal('/runbook#failover-switched');
    expect(await page.locator('#graph [data-node="pay-backup"]').getAttribute('data-role')).to.equal('standby');
    expect(await panel.locator('li.active button').count()).to.equal(0);

    // A refusal of the server is toasted, and the button can be pressed again.
    await page.route('**/api/failover/**', (route) =>
      route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'PLEXUS_LIFECYCLE', message: 'process x holds it' } }) }),
    );
    await panel.locator('button[data-switch-to="pay-backup"]').click();
    await page.locator('#toasts .toast.error', { hasText: 'payments: process x holds it' }).waitFor();
    await page.unroute('**/api/failover/**');
    // Chromium logs the refused request as a console error: expected here, so not a page error.
    const refused = pageErrors.findIndex((message) => message.includes('409 (Conflict)'));
    if (refused >= 0) pageErrors.splice(refused, 1);
    expect(shop.net.failoverGroups[0]!.active).to.equal('pay-primary');

    await panel.locator('input.reason').fill('provider maintenance window');
    await panel.locator('button[data-switch-to="pay-backup"]').click();
    await activeDrawn(page, group, 'pay-backup');
    expect(await page.locator('#graph [data-node="pay-primary"]').getAttribute('data-role')).to.equal('standby');
    await panel.locator('.last-by', { hasText: 'dashboard' }).waitFor();
    expect(await panel.locator('.last-reason').textContent()).to.include('provider maintenance window');
    // The network's group really switched: its own API says so.
    const answer = (await (await fetch(`${server.url}/api/failover/${group}`)).json()) as { active: string; switches: number; audit: { from?: string; to: string; by: string; reason: string }[] };
    expect(answer.active).to.equal('pay-backup');
    expect(answer.audit.at(-1)).to.deep.include({ from: 'pay-primary', to: 'pay-backup', by: 'dashboard', reason: 'provider maintenance window' });
    // Orders are now paid by the backup (it had handled none before), and the page counts them.
    await page.waitForFunction(() => /[1-9]/.test(document.querySelector('#nodes-body tr[data-node="pay-backup"] td:nth-child(10)')?.textContent ?? ''));
    expect(shop.net.stats('pay-backup').completed).to.be.greaterThan(0);
    expect(pageErrors).to.deep.equal([]);
  });

  it("trips the active payment provider's breaker from the controls: the network isolates it, the group fails over to the other, the page draws both", async () => {
    await page.locator('#graph [data-node="pay-backup"]').click();
    expect(await page.locator('#control-node').inputValue()).to.equal('pay-backup');
    await page.locator('#control-trip').click();
    await breakerDrawn(page, 'pay-backup', 'open');
    expect([shop.net.breaker('pay-backup')!.state, shop.net.breaker('pay-backup')!.isolated]).to.deep.equal(['open', true]);
    expect(await page.locator('#graph [data-node="pay-backup"]').getAttribute('class')).to.include('breaker-open');
    expect(await page.locator('#graph [data-node="pay-backup"] .pill-text').textContent()).to.include('open');
    await page.locator('#nodes-body tr[data-node="pay-backup"] a[href="/runbook#alert-breaker-open"]').waitFor();
    // The group moved by itself; the unhealthy member cannot be switched to.
    await activeDrawn(page, 'payments', 'pay-primary');
    const panel = page.locator('#failover [data-group="payments"]');
    await panel.locator('li.unhealthy[data-member="pay-backup"] button[data-switch-to="pay-backup"][disabled]').waitFor();
    expect(await panel.locator('.last-by').textContent()).to.equal('group');
    expect(shop.net.failoverGroups[0]!.audit().at(-1)).to.deep.include({ from: 'pay-backup', to: 'pay-primary', by: 'group', reason: 'pay-backup: breaker open' });
    await page.locator('#events li', { hasText: 'failover payments: pay-backup → pay-primary by group' }).waitFor();
    await page.screenshot({ path: SCREENSHOT });
    expect(statSync(SCREENSHOT).size).to.be.greaterThan(20_000);

    await page.locator('#control-reset').click();
    await breakerDrawn(page, 'pay-backup', 'closed');
    expect(shop.net.breaker('pay-backup')!.state).to.equal('closed');
    await panel.locator('li.healthy[data-member="pay-backup"] button[data-switch-to="pay-backup"]:not([disabled])').waitFor();
  });

  it('sends a signal with a version the schema does not support: it ends as a dead letter the page lists', async () => {
    await page.locator('#graph [data-node="orders"]').click();
    await page.locator('#control-unsupported').click();
    await page.locator('#dead-letters li[data-id] .pill', { hasText: 'unsupported-version' }).first().waitFor();
    expect(shop.net.dlq.list({ reason: 'unsupported-version' }).map((d) => [d.node, d.signal.type, d.signal.version])).to.deep.equal([['orders', 'order.placed', '9.9']]);
  });

  it("runs one of the demo's actions with the values set on the page: dead letters appear, one's trace shows its failed hop, one is reprocessed", async () => {
    await page.locator('#action-fail-share-node').selectOption('inventory');
    await setRange(page, '#action-fail-share-share', '1');
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
    await given.locator('#graph [data-node="pay-primary"]').waitFor();
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
