/**
 * Schema upgrade 1.0 → 1.1, by upcasting: ten sensors report `reading` signals. Version 1.0 has
 * a temperature; 1.1 adds its unit. The network knows both and an upcaster from 1.0 to 1.1, so
 * the `store` node is written for 1.1 only: a 1.0 signal reaches it upcast (unit 'C' added).
 * The sensors are upgraded one by one, a rolling upgrade, while they keep sending; the store
 * never sees a 1.0 payload and no reading is lost or refused.
 *
 *   npm run demo:schema-upgrade                    until Ctrl-C (then the fleet upgrades again)
 *   npm run demo:schema-upgrade -- --duration 3    3 s, then check and exit
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createNetwork } from '../lib/index.ts';
import { readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const args = readArgs('npm run demo:schema-upgrade -- [--duration <s>]');
const SENSORS = 10;
/** One more sensor is upgraded every this many ms. */
const UPGRADE_EVERY_MS = 80;

interface Reading11 {
  t: number;
  unit: 'C' | 'F';
}

await runDemo(`schema upgrade 1.0 → 1.1: ${SENSORS} sensors upgraded one by one while they send`, args, async (demo) => {
  const net = createNetwork({ name: 'demo-schema-upgrade' });
  net.schemas.register('reading', {
    versions: {
      '1.0': (p) => typeof p.t === 'number',
      '1.1': (p) => typeof p.t === 'number' && (p.unit === 'C' || p.unit === 'F'),
    },
    upcast: { '1.0': (p) => ({ ...p, unit: 'C' }) }, // 1.0 sensors all measured Celsius
  });
  const seen = { '1.0': 0, '1.1': 0, other: 0 };
  let withoutUnit = 0;
  net.node<Reading11>('store', {
    partitions: 4,
    handle(signal) {
      if (signal.version === '1.0' || signal.version === '1.1') seen[signal.version]++;
      else seen.other++;
      if (signal.payload.unit === undefined) withoutUnit++;
    },
  });
  await net.start();

  const sent = { '1.0': 0, '1.1': 0 };
  let upgraded = 0;
  let rounds = 0;
  demo.live(() => `sensors on 1.1: ${upgraded}/${SENSORS}  sent 1.0 ${n(sent['1.0'])}, 1.1 ${n(sent['1.1'])}  store saw 1.0 ${seen['1.0']}, 1.1 ${n(seen['1.1'])}  dead letters ${net.dlq.size}`, 250);

  const startedAt = performance.now();
  while (demo.running) {
    // Sensors below `upgraded` run the new firmware. When the whole fleet is on 1.1, a new round
    // starts with a fleet on 1.0 again (so that the demo keeps showing the upgrade).
    const step = Math.floor((performance.now() - startedAt) / UPGRADE_EVERY_MS);
    const round = Math.floor(step / (SENSORS + 5));
    if (round !== rounds) {
      rounds = round;
      demo.say(`round ${round + 1}: a new fleet on 1.0`);
    }
    const now = Math.min(step % (SENSORS + 5), SENSORS);
    if (now !== upgraded && now > 0) demo.say(`sensor-${now - 1} upgraded to 1.1`);
    upgraded = now;
    for (let s = 0; s < SENSORS; s++) {
      const version = s < upgraded ? '1.1' : '1.0';
      const payload = version === '1.1' ? { t: 20 + s, unit: 'C' } : { t: 20 + s };
      const r = net.post('store', { type: 'reading', version, payload, partitionKey: `sensor-${s}` });
      if (r.status !== 'accepted') throw new Error(`a ${version} reading was ${r.status}`);
      sent[version]++;
    }
    await delay(2);
  }

  await net.shutdown();
  const c = net.counts();
  console.log(`\nsummary: sent ${sent['1.0']} readings as 1.0 and ${sent['1.1']} as 1.1; the store handled ${seen['1.1']}, all as 1.1 (${seen['1.0']} as 1.0, ${withoutUnit} without a unit)`);
  demo.check('both versions were sent during the upgrade', sent['1.0'] > 0 && sent['1.1'] > 0);
  demo.check('the store saw every reading as 1.1 (1.0 upcast on the way)', seen['1.0'] === 0 && seen.other === 0 && withoutUnit === 0 && seen['1.1'] === sent['1.0'] + sent['1.1']);
  demo.check('no reading refused or dead-lettered', c.rejected === 0 && c.deadLettered === 0);
  printAccounting(demo, c);
});
