import { expect } from 'chai';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { ErrorClassifier, builtInClassification } from '../../lib/resilience/classify/classifier.ts';
import { AuditLog } from '../../lib/resilience/classify/audit-log.ts';
import { ErrorCategory, ErrorSeverity } from '../../lib/resilience/classify/categories.ts';
import { RecoveryStrategy, type RecoveryRecord } from '../../lib/resilience/classify/recovery.ts';
import { BreakerOpenError, BulkheadFullError, InvalidOptionsError, RateLimitedError, ResourceExhaustedError, TimeoutError } from '../../lib/resilience/errors.ts';
import { PlexusError } from '../../lib/util/errors.ts';

const errno = (code: string): Error => Object.assign(new Error(code), { code });

describe('resilience/ErrorClassifier', () => {
  it('built-in rules classify our codes, errno codes, names and built-in types', () => {
    const cases: Array<[unknown, string]> = [
      [new InvalidOptionsError('x', 'bad'), 'VALIDATION'],
      [new PlexusError('PLEXUS_VALIDATION_FAILED', 'bad payload'), 'VALIDATION'],
      [new TimeoutError(10), 'TIMEOUT'],
      [new RateLimitedError('r', 5), 'RESOURCE'],
      [new BulkheadFullError('b', 'queue-full'), 'RESOURCE'],
      [new ResourceExhaustedError('heap', 2, 1), 'RESOURCE'],
      [errno('ECONNREFUSED'), 'NETWORK'],
      [errno('ECONNRESET'), 'NETWORK'],
      [errno('ETIMEDOUT'), 'NETWORK'],
      [errno('EPIPE'), 'NETWORK'],
      [errno('ENOTFOUND'), 'NETWORK'],
      [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'TIMEOUT'],
      [Object.assign(new Error('late'), { name: 'TimeoutError' }), 'TIMEOUT'],
      [new TypeError('x is undefined'), 'INTERNAL'],
      [new RangeError('bad index'), 'INTERNAL'],
      [new Error('who knows'), 'UNKNOWN'],
      ['a string', 'UNKNOWN'],
      [new BreakerOpenError('b', 1, 'open'), 'RESOURCE'],
      [new Error('wrapper', { cause: errno('ECONNRESET') }), 'NETWORK'],
    ];
    for (const [e, cat] of cases) expect(builtInClassification(e).category, String(e)).to.equal(cat);
  });

  it('classify() gives a unique id, default severity, ErrorInfo, context and time', () => {
    const clock = new VirtualClock();
    const c = new ErrorClassifier({ clock });
    const a = c.classify(errno('ECONNRESET'), { node: 'store' });
    const b = c.classify(new TypeError('bug'));
    expect(a.id).to.be.a('string').and.not.equal(b.id);
    expect(a).to.deep.include({ category: 'NETWORK', severity: 'MEDIUM', at: clock.now() });
    expect(a.context).to.deep.equal({ node: 'store' });
    expect(a.error).to.include({ code: 'ECONNRESET', message: 'ECONNRESET', category: 'NETWORK' });
    expect(b.severity).to.equal(ErrorSeverity.HIGH);
    expect(JSON.parse(JSON.stringify(a)).id).to.equal(a.id);
  });

  it('user rules run before built-ins, first match wins, and can be removed', () => {
    const c = new ErrorClassifier({ rules: [(e) => (e instanceof TypeError ? { category: ErrorCategory.VALIDATION, severity: 'CRITICAL' } : undefined)] });
    const second = c.register(() => ({ category: ErrorCategory.NETWORK }));
    expect(c.categorize(new TypeError('x'))).to.deep.equal({ category: 'VALIDATION', severity: 'CRITICAL' });
    expect(c.categorize(new Error('y')).category).to.equal('NETWORK');
    second.dispose();
    second.dispose();
    expect(c.categorize(new Error('y')).category).to.equal('UNKNOWN');
    c.register(() => {
      throw new Error('broken rule');
    });
    expect(c.categorize(new RangeError('z')).category).to.equal('INTERNAL');
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
    expect(log.byCategory('NETWORK').map((e) => e.error.code)).to.deep.equal(['EPIPE', 'ECONNRESET']);
    expect(log.byName('store')).to.have.length(2);
    expect(log.byName('fetch')).to.have.length(2);
    expect(log.recoveries().map((r) => r.strategy)).to.deep.equal(['FALLBACK']);
    expect(() => new AuditLog({ capacity: 0 })).to.throw(/auditLog.capacity/);
  });
});
