// A writer that is SIGKILLed by store.test.ts: it enqueues entries as fast as it can and prints the id of each one
// once enqueue() has returned, i.e. once the entry was acknowledged as durable.
//   node crash-writer.test-support.ts DB_PATH
import { writeSync } from 'node:fs';
import { openStore } from './store.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.test-support.ts DB_PATH');
const store = openStore({ path });
// A safety net should the parent fail to kill us: stop on our own well after its deadline.
const stopAtMs = Date.now() + 30_000;
for (let n = 0; Date.now() < stopAtMs; n++) {
  const entry = store.outbox.enqueue({ payload: { n, text: `message ${n} `.repeat(10) }, groupKey: `host-${n % 3}` });
  writeSync(1, `${entry.id}\n`);
}
store.close();
