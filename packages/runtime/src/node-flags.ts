/**
 * Node flags the hub runs with (its bin's shebang, `janitor listen`, `janitor start`, the systemd unit, the
 * benchmarks). A hub handles many small requests: V8's young generation otherwise grows to tens of MiB per
 * semi-space under load and keeps them; capped, resident memory stays far lower at the same throughput
 * (see BENCHMARKS.md).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
