/**
 * Node flags the hub runs with (its bin's shebang, `janitor listen`, `janitor start`, the systemd unit, the
 * benchmarks). A hub handles many small requests: a young generation of 4 MiB per semi-space (V8's default grows to
 * tens under load) scavenges often enough to keep the resident size down, rarely enough to cost little; an old
 * generation grown by 10 % at each full collection (V8 otherwise grows it by up to 4 times what is live, and a hub's
 * garbage is report objects and promises promoted while their commit is pending) keeps the hub near 140 MiB after
 * `./dev bench hub-memory` instead of 180-190. `--optimize-for-size`, which did the same before, also makes V8's
 * compiled code slower: it cost a quarter of the reports a second (BENCHMARKS.md, "Node flags of the hub").
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=10'];
