// A history writer whose disk fills up, run by history-full-disk.test.ts under a small file-size limit (see
// out-of-space.test-support.ts). It appends reports of 100 values until one is refused and prints the time of each
// report append() acknowledged, then `refused: MESSAGE`.
//   node history-full-disk-writer.test-support.ts DB_PATH
import { writeSync } from 'node:fs';
import { openStore } from './store.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: history-full-disk-writer.test-support.ts DB_PATH');
const store = openStore({ path });
const samples = Array.from({ length: 100 }, (_, i) => ({ key: `metric_${i}`, value: i + 0.5 }));
try {
  for (let n = 0; n < 2000; n++) {
    const atMs = 1_770_000_000_000 + n * 60_000;
    if (!store.history.append('pi', atMs, samples)) throw new Error(`append at ${atMs} kept nothing`);
    writeSync(1, `${atMs}\n`);
  }
} catch (error) {
  writeSync(1, `refused: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
}
try {
  store.close();
} catch {
  // Closing checkpoints into a file that cannot grow either: what was committed is in the WAL already.
}
