import { expect } from 'chai';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { ErrorClassifier, builtInClassification } from '../../lib/resilience/classify/classifier.ts';
import { AuditLog } from '../../lib/resilience/classify/audit-log.ts';
import { ErrorCategory, ErrorSeverity } from '../../lib/resilience/classify/categories.ts';
import { RecoveryStrategy, type RecoveryRecord } from '../../lib/resilience/classify/recovery.ts';
import { BreakerOpenError, BulkheadFullError, InvalidOptionsError, RateLimitedError, ResourceExhaustedError, TimeoutError } from '../../lib/resilience/errors.ts';
import { PlexusError } from '../../lib/util/errors.ts';
import { newId } from '../../lib/signal/ids.ts';

const errno = (code: string): Error => Object.assign(new Error(code), { code });

describe('resilience/ErrorClassifier', () => {
  it('built-in rules classify our codes, errno codes, names and built-in types', () => {
    const cases: Array<[unknown, string]> = [
      [new InvalidOptionsError('x', 'bad'), 'validation'],
      [new PlexusError('PLEXUS_VALIDATION_FAILED', 'bad payload'), 'validation'],
      [new TimeoutError(10), 'timeout'],
      [new RateLimitedError('r', 5), 'resource'],
      [new BulkheadFullError('b', 'queue-full'), 'resource'],
      [new ResourceExhaustedError('heap', 2, 1), 'resource'],
      [errno('ECONNREFUSED'), 'network'],
      [errno('ECONNRESET'), 'network'],
      [errno('ETIMEDOUT'), 'network'],
      [errno('EPIPE'), 'network'],
      [errno('ENOTFOUND'), 'network'],
      [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'timeout'],
      [Object.assign(new Error('late'), { name: 'TimeoutError' }), 'timeout'],
      [new TypeError('x is undefined'), 'internal'],
      [new RangeError('bad index'), 'internal'],
      [new Error('who knows'), 'unknown'],
      ['a string', 'unknown'],
      [new BreakerOpenError('b', 1, 'open'), 'resource'],
      [new Error('wrapper', { cause: errno('ECONNRESET') }), 'network'],
    ];
    for (const [e, cat] of cases) expect(builtInClassification(e).category, String(e)).to.equal(cat);
  });

  it('classify() gives a unique id, default severity, ErrorInfo, context and time', () => {
    const clock = new VirtualClock();
    const c = new ErrorClassifier({ clock });
    const a = c.classify(errno('ECONNRESET'), { node: 'store' });
    const b = c.classify(new TypeError('bug'));
    expect(a.id).to.be.a('string').and.not.equal(b.id);
    expect(a).to.deep.include({ category: 'network', severity: 'medium', at: clock.now() });
    expect(a.context).to.deep.equal({ node: 'store' });
    expect(a.error).to.include({ code: 'ECONNRESET', message: 'ECONNRESET', category: 'network' });
    expect(b.severity).to.equal(ErrorSeverity.HIGH);
    expect(JSON.parse(JSON.stringify(a)).id).to.equal(a.id);
  });

  it('classify() ids are UUID v7 from the generator of signal ids: they sort after signal ids made before them', () => {
    const c = new ErrorClassifier();
    const before = Array.from({ length: 50 }, () => newId());
    const ids = Array.from({ length: 50 }, () => c.classify(new Error('x')).id);
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // One monotonic sequence: the uuid package's v7 kept a counter of its own, which may sort below ours.
    expect([...before, ...ids, newId()].every((id, i, all) => i === 0 || all[i - 1]! < id)).to.equal(true);
  });

  it('user rules run before built-ins, first match wins, and can be removed', () => {
    const c = new ErrorClassifier({ rules: [(e) => (e instanceof TypeError ? { category: ErrorCategory.VALIDATION, severity: 'critical' } : undefined)] });
    const second = c.register(() => ({ category: ErrorCategory.NETWORK }));
    expect(c.categorize(new TypeError('x'))).to.deep.equal({ category: 'validation', severity: 'critical' });
    expect(c.categorize(new Error('y')).category).to.equal('network');
    second.dispose();
    second.dispose();
    expect(c.categorize(new Error('y')).category).to.equal('unknown');
    c.register(() => {
      throw new Error('broken rule');
    });
    expect(c.categorize(new RangeError('z')).category).to.equal('internal');
  });
});

describe('resilience/AuditLog', () => {
  const rec = (name: string, strategy: RecoveryRecord['strategy']): RecoveryRecord => ({ strategy, succeeded: true, name, errorId: undefined, category: undefined, attempts: 1, detail: '', at: 0 });

  it('is a bounded ring queryable by last N, category and node/operation name', () => {
    const c = new ErrorClassifier();
    const log = new AuditLog({ capacity: 4 });
    log.recordError(c.classify(new TypeError('a'), { node: 'store' }));
    log.recordError(c.classify(errno('EPIPE'), { operation: 'fetch' }));
    log.recordRecovery(rec('fetch', RecoveryStrategy.FALLBACK));
    log.recordError(c.classify(errno('ECONNRESET'), { node: 'store' }));
    log.recordError(c.classify(new TimeoutError(1), { node: 'store' }));
    expect(log.size).to.equal(4);
    expect(log.dropped).to.equal(1);
    expect(log.last(2).map((e) => e.kind)).to.deep.equal(['error', 'error']);
    expect(log.byCategory('network').map((e) => e.error.code)).to.deep.equal(['EPIPE', 'ECONNRESET']);
    expect(log.byName('store')).to.have.length(2);
    expect(log.byName('fetch')).to.have.length(2);
    expect(log.recoveries().map((r) => r.strategy)).to.deep.equal(['fallback']);
    expect(() => new AuditLog({ capacity: 0 })).to.throw(/auditLog.capacity/);
  });
});
