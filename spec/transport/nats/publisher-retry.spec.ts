/**
 * The publish pipeline retries a failed publish with backoff, keeps its place while it waits (so
 * a broker outage fills the pipeline and new publishes are refused before acceptance), and fails
 * a publish only once its retries are used up. A fake JetStream client, virtual time: no server.
 */
import { expect } from 'chai';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { PublishAck } from '../../../lib/index.ts';
import { isTransportError } from '../../../lib/transport/nats/errors.ts';
import { SignalEnvelope } from '../../../lib/signal/envelope.ts';
import { Publisher, type LinkState } from '../../../lib/transport/nats/publisher.ts';
import { VirtualClock, flushMicrotasks } from '../../../lib/testing/index.ts';

/** A JetStream client whose every publish waits for the test to answer it. */
class FakeJetStream {
  readonly calls: { key: string; answer: (outcome: Error | { duplicate: boolean }) => void }[] = [];
  publish(_subject: string, _data: Uint8Array, options: { msgID: string }): Promise<{ duplicate: boolean }> {
    return new Promise((resolve, reject) => {
      this.calls.push({ key: options.msgID, answer: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)) });
    });
  }
  /** Answers every open call made so far (oldest first) and forgets them. */
  answerAll(outcome: Error | { duplicate: boolean }): number {
    const open = this.calls.splice(0);
    for (const c of open) c.answer(outcome);
    return open.length;
  }
}

/** The link the fake connection reports (the session reads the client's status). */
let link: LinkState = 'up';

function pipeline(js: FakeJetStream, clock: VirtualClock, options: { maxPending: number; maxInFlight: number; retries: number; retryDelayMs: number; maxRetryDelayMs: number }): Publisher {
  return new Publisher(js as unknown as JetStreamClient, { ...options, timeoutMs: 100, clock, link: () => link, subjectOf: (t) => `s.${t}` });
}

function signal(n: number) {
  return new SignalEnvelope(`id-${n}`, 'job', '1', { n }, 'src', 'worker', `pk-${n}`, `key-${n}`, 'corr', undefined, 0, 0.5, Object.freeze({}), []);
}

interface Ended {
  acks: PublishAck[];
  errors: unknown[];
}

function track(p: Promise<PublishAck> | undefined, ended: Ended): void {
  expect(p, 'the publish is taken').to.be.instanceOf(Promise);
  p!.then(
    (ack) => ended.acks.push(ack),
    (e: unknown) => ended.errors.push(e),
  );
}

describe('transport/nats: the publish pipeline retries a failed publish (virtual time, no server)', () => {
  const lost = () => new Error('timeout');
  beforeEach(() => (link = 'up'));

  it('retries with doubling backoff and stores the publish once the broker is back', async () => {
    const clock = new VirtualClock();
    const js = new FakeJetStream();
    const publisher = pipeline(js, clock, { maxPending: 10, maxInFlight: 4, retries: 5, retryDelayMs: 100, maxRetryDelayMs: 300 });
    const ended: Ended = { acks: [], errors: [] };
    track(publisher.publish(signal(1)), ended);
    const attemptsAt: number[] = [];
    const start = clock.now();
    for (let failure = 0; failure < 3; failure++) {
      attemptsAt.push(clock.now() - start);
      expect(js.answerAll(lost())).to.equal(1);
      await flushMicrotasks();
      expect(js.calls, 'no attempt before the backoff ran out').to.have.length(0);
      await clock.advance(1_000);
    }
    attemptsAt.push(clock.now() - start);
    expect(js.answerAll({ duplicate: true }), 'the fourth attempt').to.equal(1);
    await flushMicrotasks();
    expect(ended.errors).to.deep.equal([]);
    // The earlier attempt's message reached the stream (its PubAck was lost): stored, not a duplicate post.
    expect(ended.acks).to.deep.equal([{ duplicate: false }]);
    expect(publisher.counts).to.include({ published: 4, publishRetried: 3, publishFailed: 0, duplicatePubAcks: 1 });
    expect(publisher.pending).to.equal(0);
    expect(clock.pendingTimers).to.equal(0);
    expect(attemptsAt.length).to.equal(4);
  });

  it('waits 100, 200, 300 (capped) ms between attempts', async () => {
    const clock = new VirtualClock();
    const js = new FakeJetStream();
    const publisher = pipeline(js, clock, { maxPending: 10, maxInFlight: 4, retries: 3, retryDelayMs: 100, maxRetryDelayMs: 300 });
    const ended: Ended = { acks: [], errors: [] };
    track(publisher.publish(signal(1)), ended);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      js.answerAll(lost());
      await flushMicrotasks();
      let waited = 0;
      while (js.calls.length === 0 && waited < 10_000) {
        await clock.advance(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits).to.deep.equal([100, 200, 300]);
    js.answerAll(lost());
    await flushMicrotasks();
    expect(ended.acks).to.deep.equal([]);
    expect(ended.errors).to.have.length(1);
    expect(isTransportError(ended.errors[0]) && ended.errors[0].failure).to.equal('publish');
    expect((ended.errors[0] as { details: { attempts: number } }).details.attempts, 'first attempt and 3 retries').to.equal(4);
    expect(publisher.counts).to.include({ published: 4, publishRetried: 3, publishFailed: 1 });
    expect(publisher.pending).to.equal(0);
  });

  it('a publish waiting to retry keeps its place: during an outage the pipeline fills and refuses new publishes before acceptance', async () => {
    const clock = new VirtualClock();
    const js = new FakeJetStream();
    const publisher = pipeline(js, clock, { maxPending: 6, maxInFlight: 2, retries: 100, retryDelayMs: 50, maxRetryDelayMs: 50 });
    const ended: Ended = { acks: [], errors: [] };
    for (let n = 0; n < 6; n++) track(publisher.publish(signal(n)), ended);
    expect(publisher.publish(signal(6)), 'the 7th is refused: 6 are pending').to.equal(undefined);
    // The outage: every attempt fails for a while.
    for (let round = 0; round < 10; round++) {
      expect(js.answerAll(lost()), 'only the window (2) is ever sent').to.equal(2);
      await clock.advance(50);
    }
    expect(publisher.pending).to.equal(6);
    expect(publisher.publish(signal(7)), 'still refused during the outage').to.equal(undefined);
    expect(publisher.counts.publishRefused).to.equal(2);
    // The broker is back: everything held is stored, in the window's order.
    while (js.calls.length > 0) {
      js.answerAll({ duplicate: false });
      await flushMicrotasks();
    }
    expect(ended.errors).to.deep.equal([]);
    expect(ended.acks).to.have.length(6);
    expect(publisher.pending).to.equal(0);
    expect(publisher.counts).to.include({ stored: 6, publishFailed: 0, publishRetried: 20 });
  });

  it('close() stops retrying: a publish waiting for its retry is tried once more at once, and fails for good if that fails', async () => {
    const clock = new VirtualClock();
    const js = new FakeJetStream();
    const publisher = pipeline(js, clock, { maxPending: 10, maxInFlight: 4, retries: 100, retryDelayMs: 1_000, maxRetryDelayMs: 1_000 });
    const ended: Ended = { acks: [], errors: [] };
    track(publisher.publish(signal(1)), ended);
    js.answerAll(lost());
    await flushMicrotasks();
    expect(js.calls).to.have.length(0);
    publisher.close();
    expect(js.calls, 'tried again without waiting for the backoff').to.have.length(1);
    expect(clock.pendingTimers).to.equal(0);
    js.answerAll(lost());
    await publisher.idle();
    expect(ended.errors).to.have.length(1);
    expect(publisher.counts).to.include({ publishFailed: 1, publishRetried: 1 });
  });

  it('attempts that fail while the link is down do not use up the retries; the link coming back retries them at once', async () => {
    const clock = new VirtualClock();
    const js = new FakeJetStream();
    const publisher = pipeline(js, clock, { maxPending: 10, maxInFlight: 4, retries: 1, retryDelayMs: 100, maxRetryDelayMs: 1_000 });
    const ended: Ended = { acks: [], errors: [] };
    track(publisher.publish(signal(1)), ended);
    link = 'down';
    // A long outage: twenty failed attempts, far more than the one retry allowed.
    for (let attempt = 0; attempt < 20; attempt++) {
      expect(js.answerAll(lost())).to.equal(1);
      await clock.advance(1_000);
    }
    expect(ended.errors, 'still waiting for the broker').to.deep.equal([]);
    expect(publisher.pending).to.equal(1);
    js.answerAll(lost()); // the 21st attempt fails too; the next waits for its backoff (1 s)
    await flushMicrotasks();
    link = 'up';
    publisher.linkUp();
    expect(js.calls, 'tried at once, not after the backoff').to.have.length(1);
    js.answerAll({ duplicate: false });
    await flushMicrotasks();
    expect(ended.acks).to.deep.equal([{ duplicate: false }]);
    expect(publisher.counts).to.include({ publishFailed: 0, publishRetried: 21, stored: 1 });
  });

  it('a connection closed for good fails the publish at once (nothing to wait for)', async () => {
    const clock = new VirtualClock();
    const js = new FakeJetStream();
    const publisher = pipeline(js, clock, { maxPending: 10, maxInFlight: 4, retries: 100, retryDelayMs: 100, maxRetryDelayMs: 100 });
    const ended: Ended = { acks: [], errors: [] };
    track(publisher.publish(signal(1)), ended);
    link = 'closed';
    js.answerAll(lost());
    await flushMicrotasks();
    expect(ended.errors).to.have.length(1);
    expect(publisher.counts).to.include({ publishFailed: 1, publishRetried: 0 });
    expect(clock.pendingTimers).to.equal(0);
  });
});
