// Issues one batch and updates the model from the batch itself, by what the outcome proves:
// - acknowledged: it must carry the sequences the model predicts, and every world gets it;
// - threw while the engine kept accepting writes: it provably had no effect (the model is unchanged,
//   and later reads check that);
// - threw and the engine fail-stopped: it may or may not be visible and durable (worlds split);
// - the engine was already fail-stopped: it must be refused, with no effect;
// - the machine crashed during it: it was in flight (handled by Harness.call).
import type { WriteOperation } from '../../core/types.js';
import type { Harness } from './harness.js';

/** Longest run of deferred batches before a durable one is forced: the model tracks each prefix. */
const unsyncedRunMax = 12;

export function issueWrite(harness: Harness, batch: readonly WriteOperation[], label: string): void {
  const db = harness.db;
  if (db === undefined) return;
  const failedBefore = db.stats().failed;
  const deferred =
    harness.deferredShare > 0 &&
    harness.model.unsyncedBatches < unsyncedRunMax &&
    harness.durability.chance(harness.deferredShare);
  const what = `write ${label} (${batch.length} ops${deferred ? ', deferred' : ''})`;
  const result = harness.call(what, (open) => open.write(batch, { durable: !deferred }), batch);
  if (result.kind === 'crashed') return; // Harness.call made the batch uncertain
  if (result.kind === 'ok') {
    if (failedBefore) harness.fail(`write ${label}: acknowledged by a fail-stopped engine`);
    const { firstSequence, lastSequence } = result.value;
    const problem = harness.model.check((world) =>
      firstSequence === world.nextSequence && lastSequence === firstSequence + batch.length - 1
        ? undefined
        : `write ${label}: got sequences ${firstSequence}..${lastSequence}, expected ${world.nextSequence}.. for ${batch.length} ops`,
    );
    if (problem !== undefined) harness.fail(problem);
    harness.model.acknowledge(batch, deferred);
    harness.counters.batchesAcknowledged += 1;
    harness.counters.operationsAcknowledged += batch.length;
    if (deferred) harness.counters.batchesDeferred += 1;
    harness.note(`write ${label} acknowledged at ${firstSequence}`);
    observeScan(harness, batch);
    if (deferred && harness.durability.chance(0.05)) syncDeferred(harness);
    return;
  }
  if (failedBefore) {
    if (result.excuse !== 'fail-stop')
      harness.fail(`write ${label}: a fail-stopped engine refused it with ${result.message}`);
    harness.counters.writesRejected += 1;
    return;
  }
  if (db.stats().failed) {
    harness.model.failStopped(batch);
    harness.counters.writesUncertain += 1;
    observeScan(harness, batch);
  } else {
    harness.counters.writesRejected += 1;
  }
}

function observeScan(harness: Harness, batch: readonly WriteOperation[]): void {
  harness.scan?.observe(batch, harness.model.worlds);
}

/** Makes the deferred writes durable with sync(): afterwards no crash may take them back. */
function syncDeferred(harness: Harness): void {
  const result = harness.call('sync', (open) => open.sync());
  if (result.kind === 'ok') harness.model.synced();
}
