#!/usr/bin/env node
// janitor's entry point: turns on Node's compile cache before anything else loads (cron starts it every
// minute on small machines, and compiled code kept on disk, in the system's temporary folder unless
// NODE_COMPILE_CACHE says where, makes each start about a third cheaper), then runs the command line (program.ts).
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./program.ts');
