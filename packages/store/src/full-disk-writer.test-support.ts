// A writer whose disk fills up, run by silences.test.ts under a small file-size limit (`ulimit -f`): SQLite's commit
// then fails to grow the WAL, as it would on a full disk (root included: the limit is not a permission). It adds
// silences until one is refused and prints the id of each one that add() acknowledged, then `refused: MESSAGE`.
//   node full-disk-writer.test-support.ts DB_PATH
import { writeSync } from 'node:fs';
import { openStore } from './store.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: full-disk-writer.test-support.ts DB_PATH');
const store = openStore({ path });
try {
  for (let n = 0; n < 2000; n++) {
    const silence = store.silences.add({
      hostname: `host-${n}`,
      untilMs: 1_000_000 + n,
      reason: 'maintenance '.repeat(20),
    });
    writeSync(1, `${silence.id}\n`);
  }
} catch (error) {
  writeSync(1, `refused: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
}
try {
  store.close();
} catch {
  // Closing checkpoints into a file that cannot grow either: what was committed is in the WAL already.
}
