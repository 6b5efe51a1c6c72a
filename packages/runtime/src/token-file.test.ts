import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, EXIT } from './runtime.ts';
import { readTokenFile } from './token-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'janitor-token-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe('readTokenFile', () => {
  it('reads the first non-blank line, trimmed (a trailing newline or CRLF is no part of the token)', () => {
    expect(readTokenFile(file('plain', 'agent-token-0123456789\n'))).toBe('agent-token-0123456789');
    expect(readTokenFile(file('crlf', '\r\n  agent-token-0123456789  \r\nsecond\r\n'))).toBe('agent-token-0123456789');
  });

  it('an empty file is a credentials error naming the file', () => {
    const path = file('empty', '\n \n');
    expect(() => readTokenFile(path)).toThrow(CliError);
    expect(() => readTokenFile(path)).toThrow(`the token file ${path} is empty`);
  });

  it('a missing file is a credentials error (exit 4) with the reason', () => {
    const path = join(dir, 'nope');
    try {
      readTokenFile(path);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(EXIT.credentials);
      expect((error as CliError).message).toBe(`cannot read the token file ${path}: ENOENT`);
    }
  });
});
