import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONT_FILE } from './render-chart.ts';

const packageDir = join(import.meta.dirname, '..');

describe('the bundled font', () => {
  it('is a TrueType file inside the package, beside its licence', () => {
    expect(relative(packageDir, FONT_FILE)).toBe(join('fonts', 'DejaVuSans.ttf'));
    const head = readFileSync(FONT_FILE).subarray(0, 4);
    expect([...head]).toEqual([0, 1, 0, 0]);
    expect(statSync(join(dirname(FONT_FILE), 'LICENSE')).isFile()).toBe(true);
  });

  it('is in the files a packed package holds', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain(relative(packageDir, dirname(FONT_FILE)));
  });
});
