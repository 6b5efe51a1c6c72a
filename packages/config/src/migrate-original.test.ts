// `janitor config migrate`'s library half: the original v0.5's config/ folder as one config.yaml.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load-config.ts';
import { findOriginalLayout, MIGRATED_MARKER, migrateOriginalConfig } from './migrate-original.ts';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-migrate-'));
  cpSync(fixture('original-v0.5'), dir, { recursive: true });
});

describe('migrateOriginalConfig', () => {
  it('writes one config.yaml that loads to the same settings as the folder', async () => {
    const fromFolder = await loadConfig({ cwd: dir, env: {} });
    const migration = await migrateOriginalConfig({ from: join(dir, 'config') });
    writeFileSync(join(dir, 'config.yaml'), migration.yaml);
    const fromFile = await loadConfig({ configPath: join(dir, 'config.yaml'), env: {} });
    expect(fromFile.data).toEqual(fromFolder.data);
    expect(fromFile.rules).toEqual(fromFolder.rules);
    expect(fromFile.tasks).toEqual(fromFolder.tasks);
    expect(fromFile.reportFormat).toEqual(fromFolder.reportFormat);
  });

  it('keeps the comments of the keys it moves, next to them in their new place', async () => {
    const { yaml } = await migrateOriginalConfig({ from: join(dir, 'config') });
    expect(yaml).toMatch(
      /# \[String\] Where to connect to deliver the statuses\n {2}api_base_url: https:\/\/social\.example\.org/,
    );
    expect(yaml).toMatch(/# \[Integer\] Status max length\n {4}max_length: 5000/);
    expect(yaml).toMatch(/# crontab format: minute hour day-of-month month day-of-week\n {6}when: "\*\/5 \* \* \* \*"/);
    expect(yaml).toMatch(/# \[Float\] CPU percent\n {6}value: 90/);
    expect(yaml).toMatch(
      /# \[Bool\] Merge summary into the main body of the message\n(.*\n)? {4}merge_summary_into_text: true/,
    );
    expect(yaml.startsWith(MIGRATED_MARKER)).toBe(true);
    // The banners of the original's files and the keys it does not use are left out.
    expect(yaml).not.toMatch(/#{5}/);
    expect(yaml).not.toMatch(/^\s*(queue_storage|git_monitor|directnic_ddns|named_accounts|formatter):/m);
  });

  it('lists every key it leaves out, and the tasks that stay disabled', async () => {
    const migration = await migrateOriginalConfig({ from: join(dir, 'config') });
    expect(migration.sources).toHaveLength(6);
    expect(migration.unused).toEqual(
      expect.arrayContaining([
        'app.service.listen.debug: unknown setting, ignored',
        'queue_storage: unknown setting, ignored',
        expect.stringMatching(/^publisher: not used/),
        expect.stringMatching(/^mastodon\.named_accounts\.updates: a second account/),
        expect.stringMatching(/^git_monitor: not used/),
        expect.stringMatching(/^formatter\.templates\.message_type: not converted/),
      ]),
    );
    expect(migration.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/formatter\.templates\.message_type\.error is repeated/),
        expect.stringMatching(/^app\.schedules\[1\] \("DDNS"\): action update_ddns/),
      ]),
    );
    // Each of the 12 things loading reports is either a key left out or a warning, once.
    expect(migration.unused.length + migration.warnings.length).toBe(12);
  });

  it('loads the result without the repeated-key warnings: the repeated key is written once', async () => {
    const migration = await migrateOriginalConfig({ from: join(dir, 'config') });
    writeFileSync(join(dir, 'config.yaml'), migration.yaml);
    const config = await loadConfig({ configPath: join(dir, 'config.yaml'), env: {} });
    expect(config.warnings).toEqual([
      'app.schedules[1] ("DDNS"): action update_ddns (the original\'s Directnic DDNS updater) is not part of this version; the task is disabled',
      'app.schedules[2] ("Releases"): action git_changes (the original\'s Git monitor) is not part of this version; the task is disabled',
    ]);
  });

  it('a YAML error in one of the files is a config error naming the file', async () => {
    writeFileSync(join(dir, 'config', 'broken.yaml'), 'app: [\n  name: : x\n');
    await expect(migrateOriginalConfig({ from: join(dir, 'config') })).rejects.toThrow(
      new RegExp(`cannot read the config: YAML Error in ${join(dir, 'config', 'broken.yaml')}`),
    );
  });

  it('refuses a folder that is not the original split layout', async () => {
    const empty = join(dir, 'nothing');
    mkdirSync(empty);
    await expect(migrateOriginalConfig({ from: empty })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('findOriginalLayout', () => {
  it('finds config/ walking up, and nothing where there is none', () => {
    const nested = join(dir, 'storage', 'deep');
    mkdirSync(nested, { recursive: true });
    expect(findOriginalLayout(nested)).toBe(join(dir, 'config'));
    expect(findOriginalLayout(mkdtempSync(join(tmpdir(), 'janitor-none-')))).toBeUndefined();
  });
});
