// `janitor mastodon test`: one test status, to see that publishing works. The publisher loads when it runs.
import { hostname } from 'node:os';
import { requirePosting } from './posting-mode.ts';
import { formatDryRunPost, openRuntime, type RuntimeOptions } from './runtime.ts';

/**
 * Posts a test status (or prints it in dry run) and prints its address. Without credentials it is exit 4 and where
 * to put a token, not a dry run.
 */
export async function mastodonTest(
  runtimeOptions: RuntimeOptions,
  options: { version: string; out: (line: string) => void; now?: () => Date },
): Promise<void> {
  const { out, now = () => new Date() } = options;
  const { publisherFor } = await import('./posting.ts');
  const runtime = await openRuntime(runtimeOptions);
  requirePosting(runtime);
  const result = await publisherFor(runtime).publish({
    type: 'info',
    hostname: hostname(),
    text: `Test post from Janitor ${options.version} at ${now().toISOString()}: publishing works.`,
  });
  if (result.dryRun) out(formatDryRunPost(result.draft));
  else out(result.url ?? `posted (status id ${result.id})`);
  await runtime.logger.flush();
}
