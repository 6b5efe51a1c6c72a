/**
 * Node flags the hub runs with (its bin's shebang, `janitor listen`, `janitor start`, the systemd unit, the
 * benchmarks). A hub handles many small requests: V8's young generation otherwise grows to tens of MiB per
 * semi-space under load and keeps them; capped, resident memory stays far lower at the same throughput.
 * `--optimize-for-size` makes V8 grow its old generation in smaller steps: with the history on, the garbage of a
 * load (request and report objects promoted past the small young generation) otherwise left the hub between 135
 * and 200 MiB after `./dev bench hub-memory`, and 120-125 MiB with it, at the same CPU time per report (see
 * BENCHMARKS.md).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--optimize-for-size'];
