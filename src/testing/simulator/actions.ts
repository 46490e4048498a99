// The simulator's moves, picked by the seed's weights. Each runs against the open engine and checks
// what it can at once; lifecycle moves (reopen, crashes) and damage live here too so one table
// shows the whole operation mix.
import type { ActionName } from './config.js';
import { actionNames } from './config.js';
import {
  checkGetBlock,
  checkIncoming,
  checkOutgoing,
  checkScanBlocks,
  checkScanEdges,
  checkSnapshot,
  fullCheckpoint,
} from './checks.js';
import type { Harness } from './harness.js';
import { advanceInterleavedScan } from './interleaved-scan.js';
import { reopen } from './lifecycle.js';
import { issueWrite } from './writes.js';

export function pickAction(harness: Harness): ActionName {
  const { weights } = harness.config;
  let total = 0;
  for (const name of actionNames) total += weights[name];
  let roll = harness.rng.nextFloat() * total;
  for (const name of actionNames) {
    roll -= weights[name];
    if (roll < 0) return name;
  }
  return 'put';
}

export function performAction(harness: Harness, action: ActionName): void {
  const { workload, model, rng } = harness;
  switch (action) {
    case 'put':
      return issueWrite(harness, [workload.putBlock()], 'put');
    case 'overwrite':
      return issueWrite(harness, [workload.overwrite(model.representative)], 'overwrite');
    case 'delete':
      return issueWrite(harness, [workload.deleteBlock(model.representative)], 'delete');
    case 'putEdge':
      return issueWrite(harness, [workload.putEdge()], 'put edge');
    case 'deleteEdge':
      return issueWrite(harness, [workload.deleteEdge(model.representative)], 'delete edge');
    case 'batch':
      return issueWrite(harness, workload.batch(model.representative), 'batch');
    case 'getBlock':
      return checkGetBlock(harness, workload.pickId());
    case 'outgoing':
      return checkOutgoing(harness, workload.pickId(), workload.queryType());
    case 'incoming':
      return checkIncoming(harness, workload.pickId(), workload.queryType());
    case 'scanBlocks':
      return checkScanBlocks(harness);
    case 'scanEdges':
      return checkScanEdges(harness);
    case 'interleavedScan':
      return advanceInterleavedScan(harness);
    case 'flush':
      harness.call('flush', (db) => db.flush());
      return;
    case 'compact':
      harness.call('compact', (db) => db.compact());
      return;
    case 'maintenance': {
      const budget = rng.pick([100, 5000, Number.MAX_SAFE_INTEGER]);
      harness.call(`maintenance ${budget}`, (db) => db.maintenance(budget));
      return;
    }
    case 'checkpoint':
      return fullCheckpoint(harness, 'scheduled');
    case 'reopen':
      return reopen(harness, 'clean');
    case 'crashNow':
      return harness.crashNow();
    case 'crashSoon': {
      const within = harness.config.crashes.scheduleWithinOperations;
      harness.disk.crashAtOperation(harness.disk.operationCount + rng.between(1, within));
      harness.note('crash scheduled');
      return;
    }
    case 'snapshot':
      return checkSnapshot(harness);
    case 'damageTable': {
      const damage = harness.damage.damageTable(rng.chance(harness.config.damage.sectorShare));
      if (damage !== undefined) harness.note(`damage ${damage.flips.length} bit(s) of ${damage.path}`);
      return;
    }
  }
}
