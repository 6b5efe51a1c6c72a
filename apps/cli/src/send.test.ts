// janitor send, run as a user runs it from a shell.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  HUB_TOKEN,
  JANITOR_MAIN,
  killLeftovers,
  runNode,
  startRealHub,
  startRecordingHub,
  tempDir,
} from './cli-process.test-support.ts';

afterAll(killLeftovers);

describe('janitor send', { timeout: 20_000 }, () => {
  it('posts through the real hub and prints the id it was queued as', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path);
    try {
      const args = ['send', '--hub', hub.url, '--token', HUB_TOKEN, '--type', 'error', '--summary', 'Backup failed'];
      const run = await runNode(JANITOR_MAIN, [...args, '--hostname', 'nas', 'disk full'], { cwd: dir.path });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('queued as #1\n');
      await hub.process.waitFor(
        /dry run: status not posted status="disk full" .*spoilerText="🔥 nas:\\n\\nBackup failed"/,
      );
      expect(hub.requests()).toEqual(['POST /message 200']);

      // Without a token the hub (which has tokens) refuses: exit 1 with its error and field.
      const refused = await runNode(JANITOR_MAIN, ['send', '--hub', hub.url, 'hello'], { cwd: dir.path });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `janitor: POST ${hub.url}/message: 401 a bearer token is required (Authorization: Bearer <token>) (field authorization)\n`,
      );
    } finally {
      await hub.stop();
    }
  });

  it('"-" reads the message from stdin; the token may come from JANITOR_HUB_TOKEN, the hub from config.yaml', async () => {
    await using dir = await tempDir();
    const hub = await startRecordingHub();
    try {
      await writeFile(join(dir.path, 'config.yaml'), `app: { service: { remote_url: "${hub.url}" } }\n`);
      const run = await runNode(JANITOR_MAIN, ['send', '--type', 'warning', '--hostname', 'web1', '-'], {
        cwd: dir.path,
        input: 'line one\nline two\n',
        env: { JANITOR_HUB_TOKEN: 'env-token-0123456789' },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(hub.received).toEqual([
        {
          method: 'POST',
          path: '/message',
          authorization: 'Bearer env-token-0123456789',
          body: { hostname: 'web1', message: 'line one\nline two', message_type: 'warning' },
        },
      ]);
    } finally {
      await hub.close();
    }
  });

  it('a 400 from the hub: exit 1 with its error and the field it names', async () => {
    await using dir = await tempDir();
    const hub = await startRecordingHub();
    hub.answer(() => ({
      status: 400,
      body: { error: 'hostname must not contain control characters', field: 'hostname' },
    }));
    try {
      const run = await runNode(JANITOR_MAIN, ['send', '--hub', hub.url, 'hello'], { cwd: dir.path });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `janitor: POST ${hub.url}/message: 400 hostname must not contain control characters (field hostname)\n`,
      );
    } finally {
      await hub.close();
    }
  });

  it('an unreachable hub: exit 1 with a one-line reason', async () => {
    await using dir = await tempDir();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runNode(JANITOR_MAIN, ['send', '--hub', url, 'hello'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`janitor: POST ${url}/message network error: fetch failed (ECONNREFUSED)\n`);
  });

  it('an empty message is refused before anything is sent', async () => {
    await using dir = await tempDir();
    const hub = await startRecordingHub();
    try {
      const run = await runNode(JANITOR_MAIN, ['send', '--hub', hub.url, '-'], { cwd: dir.path, input: '\n' });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('janitor: invalid message: message must not be empty (field message)\n');
      expect(hub.received).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('an unknown --type is a usage error', async () => {
    await using dir = await tempDir();
    const run = await runNode(JANITOR_MAIN, ['send', '--type', 'fatal', 'hello'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: option '--type <type>' argument 'fatal' is invalid");
  });
});
