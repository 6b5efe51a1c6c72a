import { describe, expect, it } from 'vitest';
import { wireErrorBody } from './wire-error.ts';

describe('wireErrorBody', () => {
  it.each([
    [
      'error and field, without the status',
      { status: 400, error: 'hostname is required', field: 'hostname' },
      { error: 'hostname is required', field: 'hostname' },
    ],
    [
      'no field when there is none',
      { status: 413, error: 'body must be at most 10 bytes' },
      { error: 'body must be at most 10 bytes' },
    ],
    [
      'the issues when there are several',
      { status: 400, error: 'a', field: 'x', issues: [{ error: 'a', field: 'x' }, { error: 'b' }] },
      { error: 'a', field: 'x', issues: [{ error: 'a', field: 'x' }, { error: 'b' }] },
    ],
    [
      'no issues list for a single one',
      { status: 400, error: 'a', field: 'x', issues: [{ error: 'a', field: 'x' }] },
      { error: 'a', field: 'x' },
    ],
  ] as const)('gives %s', (_, error, body) => {
    expect(wireErrorBody(error)).toStrictEqual(body);
    expect(JSON.parse(JSON.stringify(wireErrorBody(error)))).toStrictEqual(body);
  });
});
