/**
 * The network of the main demo (demos/main.ts), also used by the dashboard's browser spec: a
 * small shop on the embedded defaults. Orders come in at `orders`, which checks them (schema
 * order.placed 1.0 and 1.1, 1.0 upcast) and asks `payments` and `inventory`; a paid order goes to
 * `shipping`, then `notify`. `payments` is a failover group of two payment providers: signals to
 * it reach `pay-primary` while that is healthy, and `pay-backup` when its breaker opens (or when
 * someone switches the group by hand, from the dashboard or `POST /api/failover/payments/switch`).
 *
 *   orders ─┬─> payments: pay-primary | pay-backup (breakers, retries) ──> shipping ──> notify
 *           └─> inventory
 *
 * The disturbances a person makes from the dashboard (fail a share of a node's signals, slow a
 * node down, flood the network) are the demo's own actions: the handlers read a setting that the
 * actions change. The library has no such switch.
 */
import { createNetwork, type Network, type ServerAction } from '../lib/index.ts';

/** What the dashboard's actions have set, per node. */
interface Disturbance {
  failShare: number;
  slowMs: number;
}

/** The shop, its traffic and its actions. */
export interface ShopDemo {
  readonly net: Network;
  /** `fail-share`, `slow-down`, `flood`, `calm`: for `createNetworkServer(net, { actions })`. */
  readonly actions: Readonly<Record<string, ServerAction>>;
  /** Starts sending orders at `ratePerSecond`. */
  startTraffic(): void;
  /** Stops sending (resolves once the producer loop has ended). */
  stopTraffic(): Promise<void>;
  /** Orders sent so far, flood included. */
  readonly ordersSent: number;
  /** Orders of a flood still to send (0 when none runs). */
  readonly floodLeft: number;
}

/** Node names, in the order of the picture above. */
export const SHOP_NODES = ['orders', 'pay-primary', 'pay-backup', 'inventory', 'shipping', 'notify'] as const;

/** The failover group of the payment providers, and its members in failover order. */
export const SHOP_PAYMENTS = { group: 'payments', members: ['pay-primary', 'pay-backup'] } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the shop (not started): `name` is the network's name, `ratePerSecond` the orders sent each second. */
export function createShopDemo({ name = 'shop', ratePerSecond = 400 }: { name?: string; ratePerSecond?: number } = {}): ShopDemo {
  // The journal keeps about a minute of the demo's traffic: the dashboard's edges, traces and
  // "replay the last minute" read it.
  // The forecast samples every second, as often as the dashboard polls.
  const net = createNetwork({ name, journal: { capacity: 150_000 }, forecast: { intervalMs: 1_000 } });
  const disturbances = new Map<string, Disturbance>(SHOP_NODES.map((node) => [node, { failShare: 0, slowMs: 0 }]));

  /** Applies the node's disturbance: waits its delay, then fails its share of signals. */
  async function disturb(node: string): Promise<void> {
    const d = disturbances.get(node)!;
    if (d.slowMs > 0) await sleep(d.slowMs);
    if (d.failShare > 0 && Math.random() < d.failShare) throw new Error(`${node} failed on purpose (fail-share ${d.failShare})`);
  }

  net.schemas.register('order.placed', { versions: { '1.0': null, '1.1': null }, upcast: { '1.0': (p: object) => ({ ...p, currency: 'EUR' }) } });
  net.node('orders', {
    partitions: 8,
    async handle(signal, ctx) {
      await disturb('orders');
      const { n } = signal.payload as { n: number };
      ctx.emit('payments', { type: 'payment.requested', payload: { n, amount: (n % 90) + 10 }, partitionKey: signal.partitionKey });
      ctx.emit('inventory', { type: 'stock.reserve', payload: { n, sku: `sku-${n % 50}` }, partitionKey: `sku-${n % 50}` });
    },
  });
  // Two payment providers behind one name: whichever is active charges the order.
  for (const provider of SHOP_PAYMENTS.members) {
    net.node(provider, {
      partitions: 8,
      retry: { maxAttempts: 3, baseDelayMs: 5 },
      breaker: { failureThreshold: 25, resetTimeoutMs: 5_000 },
      async handle(signal, ctx) {
        await disturb(provider);
        // About 1 in 400 attempts fails, as a card network does: retries catch most, some end as dead letters.
        if (Math.random() < 0.0025) throw new Error(`card declined by the issuer (${provider})`);
        ctx.emit('shipping', { type: 'order.paid', payload: { ...(signal.payload as object), provider }, partitionKey: signal.partitionKey });
      },
    });
  }
  net.failover(SHOP_PAYMENTS.group, { members: SHOP_PAYMENTS.members });
  net.node('inventory', {
    partitions: 4,
    async handle() {
      await disturb('inventory');
    },
  });
  net.node('shipping', {
    partitions: 4,
    async handle(signal, ctx) {
      await disturb('shipping');
      ctx.emit('notify', { type: 'order.shipped', payload: signal.payload, partitionKey: signal.partitionKey });
    },
  });
  net.node('notify', {
    partitions: 2,
    async handle() {
      await disturb('notify');
    },
  });

  let sent = 0;
  let floodLeft = 0;
  let running = false;
  let loop: Promise<void> | undefined;
  const order = (): void => {
    const n = sent++;
    // Every 25th order is sent twice with the same idempotency key (deduplication drops it), every 10th at version 1.0 (upcast).
    const key = `order-${n % 25 === 0 && n > 0 ? n - 1 : n}`;
    net.post('orders', { type: 'order.placed', version: n % 10 === 0 ? '1.0' : '1.1', payload: { n }, partitionKey: `customer-${n % 300}`, idempotencyKey: key });
  };
  async function produce(): Promise<void> {
    const tickMs = 50;
    while (running) {
      for (let i = 0; i < (ratePerSecond * tickMs) / 1000; i++) order();
      // A flood goes out in slices, so that the producer (and the server) keep their turn.
      for (let i = 0; i < 2_000 && floodLeft > 0 && net.state === 'running'; i++, floodLeft--) order();
      await sleep(tickMs);
    }
  }

  const actions: Record<string, ServerAction> = {
    'fail-share': {
      label: 'Fail a share',
      description: "Makes a node's handler throw for this share of its signals (0 = none).",
      params: { node: { type: 'node', default: 'pay-primary' }, share: { type: 'number', min: 0, max: 1, default: 0.5 } },
      run: ({ node, share }) => {
        disturbances.get(node as string)!.failShare = share as number;
        return { node, failShare: share };
      },
    },
    'slow-down': {
      label: 'Slow down',
      description: 'Adds this delay to every signal the node handles (0 = none).',
      params: { node: { type: 'node', default: 'shipping' }, 'delay-ms': { label: 'delay ms', type: 'number', min: 0, max: 200, integer: true, default: 20 } },
      run: ({ node, 'delay-ms': delay }) => {
        disturbances.get(node as string)!.slowMs = delay as number;
        return { node, slowMs: delay };
      },
    },
    flood: {
      label: 'Flood',
      description: 'Sends this many extra orders as fast as the producer can.',
      params: { orders: { type: 'number', min: 1, max: 500_000, integer: true, default: 50_000 } },
      run: ({ orders }) => {
        floodLeft += orders as number;
        return { floodLeft };
      },
    },
    calm: {
      label: 'Calm everything',
      description: 'Ends every failure share, delay and flood.',
      run: () => {
        for (const d of disturbances.values()) Object.assign(d, { failShare: 0, slowMs: 0 });
        floodLeft = 0;
        return { calm: true };
      },
    },
  };

  return {
    net,
    actions,
    startTraffic() {
      if (running) return;
      running = true;
      loop = produce();
    },
    async stopTraffic() {
      running = false;
      floodLeft = 0;
      await loop;
    },
    get ordersSent() {
      return sent;
    },
    get floodLeft() {
      return floodLeft;
    },
  };
}
