// Where the keys of the original Python Janitor after v0.1 (v0.2 to v0.5.2, github.com/XaviArnaus/janitor) live in
// this version's config.yaml, and what it had that this version does not. Read from its config.yaml.dist (v0.2-v0.4),
// its config/*.yaml.dist (v0.5.x), its scheduler and its own migration script (scripts/migrate_config_0_5_0.py, whose
// table is the reverse of ORIGINAL_KEY_MOVES). This file is the one place to change when a mapping is wrong: loading
// (parseConfig), the split layout and `janitor config migrate` all go through it.
import type { ConfigProblem } from './errors.ts';

/** One key of the original's files and where it lives in Janitor's config.yaml. */
export interface KeyMove {
  /** The original's dotted key path. */
  from: string;
  /** Janitor's dotted key path. */
  to: string;
}

/**
 * The original's keys that Janitor reads elsewhere, in the order they are applied (a mapping before keys moved into
 * it). A key written where Janitor keeps it wins over the original's, with a warning.
 */
export const ORIGINAL_KEY_MOVES: readonly KeyMove[] = Object.freeze([
  // The earliest files kept status_post at the top level.
  { from: 'status_post', to: 'mastodon.status_post' },
  // v0.5 config/schedules.yaml: the list moved to the top level.
  { from: 'schedules', to: 'app.schedules' },
  // v0.5 config/mastodon.yaml: the account named default is the one every module posted with.
  { from: 'mastodon.named_accounts.default.app_name', to: 'mastodon.app_name' },
  { from: 'mastodon.named_accounts.default.api_base_url', to: 'mastodon.api_base_url' },
  { from: 'mastodon.named_accounts.default.instance_type', to: 'mastodon.instance_type' },
  { from: 'mastodon.named_accounts.default.credentials', to: 'mastodon.credentials' },
  // v0.5.1 and later spell it status_params; v0.5.0 status_post.
  { from: 'mastodon.named_accounts.default.status_params', to: 'mastodon.status_post' },
  { from: 'mastodon.named_accounts.default.status_post', to: 'mastodon.status_post' },
  // v0.5.2 config/main.yaml: the formatter.
  { from: 'formatter.merge_summary_into_text', to: 'mastodon.status_post.merge_summary_into_text' },
  // v0.5 config/sysinfo.yaml: the report's formatting moved under system_info.
  { from: 'system_info.formatting.report_item_names_map', to: 'formatting.system_info.report_item_names_map' },
  { from: 'system_info.formatting.human_readable', to: 'formatting.system_info.human_readable' },
  { from: 'system_info.formatting.human_readable_exceptions', to: 'formatting.system_info.human_readable_exceptions' },
  // The logger block of the original's last layout (after v0.5.2, written by its own migration tool).
  { from: 'logger.file.active', to: 'logger.to_file' },
  { from: 'logger.file.filename', to: 'logger.filename' },
  { from: 'logger.stdout.active', to: 'logger.to_stdout' },
]);

/**
 * The original's keys that have no counterpart here and that a user could expect to be converted, with why they are
 * not used. Other keys Janitor does not know are reported as `unknown setting, ignored`.
 */
export const ORIGINAL_UNUSED_KEYS: Readonly<Record<string, string>> = Object.freeze({
  'formatter.templates.merge_strategies.summary_into_text':
    'not used: Janitor puts the summary, a blank line, then the text (mastodon.status_post.merge_summary_into_text)',
  'formatter.templates.merge_strategies.mention_into_text':
    'not used: a direct post mentions mastodon.status_post.username_to_dm in Janitor’s own words',
  'formatter.templates.message_type':
    "not converted: the original v0.5's post templates ($summary, $text); Janitor's are formatting.templates " +
    '({icon} {hostname} {summary} {text}), whose defaults give the original v0.1 posts',
  'system_info.formatting.templates':
    "not converted: the original v0.5's report templates; Janitor writes the report lines as the original v0.1 did " +
    'and shapes the post with formatting.templates',
  publisher:
    "not used: the original's media folder and one post per run; Janitor posts its outbox in order and keeps under " +
    'the server’s limits (mastodon.status_post.pacing)',
  'logger.file.encoding': 'not used: the log file is written in UTF-8',
  'logger.file.rotate': 'not used: rotate the log file with logrotate (copytruncate)',
  git_monitor: "not used: the original's Git monitor is not part of this version",
  directnic_ddns: "not used: the original's Directnic DDNS updater is not part of this version",
});

/** The default of `formatter.templates.merge_strategies.summary_into_text`: what Janitor does, so nothing to report. */
const ORIGINAL_SUMMARY_INTO_TEXT = '$summary\n\n$text';

/** Schedule actions of the original (v0.3-v0.5.2) that this version does not have, with what they did. */
export const ORIGINAL_ONLY_ACTIONS: Readonly<Record<string, string>> = Object.freeze({
  update_ddns: "the original's Directnic DDNS updater",
  git_changes: "the original's Git monitor",
  publish_git_changes: "the original's Git monitor",
  rotate_log: "the original's log rotation",
});

/** What {@link convertOriginalKeys} made of a config: the input in Janitor's layout, and what it has to say. */
export interface OriginalConversion {
  input: Record<string, unknown>;
  /** Keys left out, each `path: why`. */
  unused: string[];
  /** Other things to know: a key set in both places, an account missing. */
  warnings: string[];
  problems: ConfigProblem[];
}

/**
 * Moves the original's keys to where Janitor reads them ({@link ORIGINAL_KEY_MOVES}), takes out the named accounts
 * other than `default`, and the keys of {@link ORIGINAL_UNUSED_KEYS}. `raw` is not changed.
 */
export function convertOriginalKeys(raw: Record<string, unknown>): OriginalConversion {
  const input = structuredClone(raw);
  const unused: string[] = [];
  const warnings: string[] = [];
  const problems: ConfigProblem[] = [];

  const accounts = getPath(input, 'mastodon.named_accounts');
  if (accounts !== undefined && !isObject(accounts)) {
    problems.push({ path: 'mastodon.named_accounts', message: 'expected a mapping of accounts by name' });
  } else if (isObject(accounts) && !isObject(accounts.default)) {
    const names = Object.keys(accounts).join(', ') || 'none';
    problems.push({
      path: 'mastodon.named_accounts.default',
      message: `missing: Janitor posts with the account named default, as the original did (accounts here: ${names})`,
    });
  }

  for (const { from, to } of ORIGINAL_KEY_MOVES) {
    const value = getPath(input, from);
    if (value === undefined) continue;
    const target = getPath(input, to);
    if (target === undefined) setPath(input, to, value);
    else if (isObject(target) && isObject(value)) {
      for (const [key, v] of Object.entries(value)) {
        if (key in target) warnings.push(`${from}.${key}: also set at ${to}.${key}, which is used`);
        else target[key] = v;
      }
    } else warnings.push(`${from}: also set at ${to}, which is used`);
    deletePath(input, from);
  }

  if (isObject(accounts)) {
    for (const [name, account] of Object.entries(accounts)) {
      if (name === 'default') {
        for (const key of Object.keys(isObject(account) ? account : {})) {
          unused.push(`mastodon.named_accounts.default.${key}: unknown setting, ignored`);
        }
      } else {
        unused.push(
          `mastodon.named_accounts.${name}: a second account (the original used it for its Git monitor); Janitor ` +
            'posts with one account, named_accounts.default, so this one is not used',
        );
      }
    }
    deletePath(input, 'mastodon.named_accounts');
  }

  const summaryIntoText = 'formatter.templates.merge_strategies.summary_into_text';
  if (getPath(input, summaryIntoText) === ORIGINAL_SUMMARY_INTO_TEXT) deletePath(input, summaryIntoText);
  for (const [path, why] of Object.entries(ORIGINAL_UNUSED_KEYS)) {
    if (getPath(input, path) === undefined) continue;
    unused.push(`${path}: ${why}`);
    deletePath(input, path);
  }
  return { input, unused, warnings, problems };
}

/** Where a key path of the original's files lives in Janitor's layout (itself when it did not move). */
export function movedKeyPath(path: string): string {
  for (const { from, to } of ORIGINAL_KEY_MOVES) {
    if (path === from) return to;
    if (path.startsWith(`${from}.`) || path.startsWith(`${from}[`)) return `${to}${path.slice(from.length)}`;
  }
  return path;
}

/**
 * The tasks of `app.schedules` whose action is one the original had and this version has not: they are left out
 * (disabled) with a warning each; `kept[i]` was entry `indexes[i]` of the list as written.
 */
export function disableOriginalOnlyTasks(schedules: unknown): { kept: unknown; indexes: number[]; warnings: string[] } {
  if (!Array.isArray(schedules)) return { kept: schedules, indexes: [], warnings: [] };
  const kept: unknown[] = [];
  const indexes: number[] = [];
  const warnings: string[] = [];
  schedules.forEach((entry, i) => {
    const action = isObject(entry) ? entry.action : undefined;
    const what =
      typeof action === 'string' && Object.hasOwn(ORIGINAL_ONLY_ACTIONS, action)
        ? ORIGINAL_ONLY_ACTIONS[action]
        : undefined;
    if (what === undefined) {
      kept.push(entry);
      indexes.push(i);
      return;
    }
    const name = isObject(entry) && typeof entry.name === 'string' ? ` (${JSON.stringify(entry.name)})` : '';
    warnings.push(
      `app.schedules[${i}]${name}: action ${action} (${what}) is not part of this version; the task is disabled`,
    );
  });
  return { kept, indexes, warnings };
}

function getPath(root: Record<string, unknown>, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets a value, creating the mappings on the way (a non-mapping on the way is replaced: the schema reports it). */
function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = root;
  for (const key of keys) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

/** Deletes a key, then the mappings on its way that it left empty. */
function deletePath(root: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  const parents: Record<string, unknown>[] = [root];
  for (const key of keys.slice(0, -1)) {
    const next = parents[parents.length - 1]?.[key];
    if (!isObject(next)) return;
    parents.push(next);
  }
  delete parents[parents.length - 1]?.[keys[keys.length - 1] as string];
  for (let i = parents.length - 1; i > 0; i--) {
    const parent = parents[i] as Record<string, unknown>;
    if (Object.keys(parent).length > 0) break;
    delete parents[i - 1]?.[keys[i - 1] as string];
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
