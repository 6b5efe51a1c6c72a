/**
 * Node flags the hub runs with (its bin's shebang, `janitor listen`, `janitor start`, the systemd unit, the
 * benchmarks). A hub handles many small requests. `--optimize-for-size` makes V8 grow its old generation in small
 * steps: with the history on, the garbage of a load (report objects and promises promoted while their commit is
 * pending) otherwise left the hub between 135 and 200 MiB after `./dev bench hub-memory`. With it, a young
 * generation of 8 MiB per semi-space (instead of V8's default of tens under load) keeps the hub at 120-133 MiB and
 * scavenges less often than the 2 MiB used before the history: more reports a second (see BENCHMARKS.md).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--optimize-for-size'];
