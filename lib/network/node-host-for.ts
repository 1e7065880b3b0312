import type { NodeHost } from '../node/node-host.ts';
import type { AuditLog } from '../resilience/classify/audit-log.ts';
import type { ErrorClassifier } from '../resilience/classify/classifier.ts';
import type { Router } from './router.ts';

/**
 * What a network lends its nodes: the host's plain parts (the journal wrapped to ack on settle
 * when there is a transport), and what its callbacks reach.
 */
export interface NodeHostParts extends Pick<NodeHost, 'clock' | 'hub' | 'schemas' | 'journal' | 'tracing' | 'metrics' | 'pressureChanged'> {
  readonly router: Router;
  readonly classifier: ErrorClassifier;
  readonly audit: AuditLog;
  countRecovery(name: string, strategy: string, succeeded: boolean): void;
}

/**
 * The {@link NodeHost} every node of a network shares: the signal path goes to the router,
 * failures are classified into the audit log, recoveries are audited, counted and emitted.
 */
export function nodeHostFor(p: NodeHostParts): NodeHost {
  const { clock, hub, router, classifier, audit } = p;
  return {
    clock,
    hub,
    schemas: p.schemas,
    journal: p.journal,
    tracing: p.tracing,
    metrics: p.metrics,
    pressureChanged: p.pressureChanged,
    emitFrom: (node, parent, target, draft) => router.emitFrom(node, parent, target, draft),
    deadLetter: (entry) => router.deadLetter(entry),
    settled: () => router.settled(),
    classify: (error, context) => {
      const classified = classifier.classify(error, context);
      audit.recordError(classified);
      return classified;
    },
    recovered: (node, strategy, succeeded, error, attempts, detail) => {
      const at = clock.now();
      audit.recordRecovery({ strategy, succeeded, name: node, errorId: error?.id, category: error?.category, attempts, detail, at });
      p.countRecovery(node, strategy, succeeded);
      if (hub.observed) hub.emit({ kind: 'recovery', at, name: node, strategy, succeeded, errorId: error?.id, attempts });
    },
  };
}
