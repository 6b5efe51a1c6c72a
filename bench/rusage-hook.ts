// Preloaded with --import into a measured child process: at exit, appends the process's own resource usage
// (CPU time, peak RSS) as one JSON line to $JANITOR_BENCH_RUSAGE.
import { appendFileSync } from 'node:fs';

const target = process.env.JANITOR_BENCH_RUSAGE;
if (target) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    appendFileSync(
      target,
      `${JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKb: u.maxRSS })}\n`,
    );
  });
}
