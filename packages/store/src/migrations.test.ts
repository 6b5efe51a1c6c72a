import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, type Migration, migrate, schemaVersion } from './migrations.ts';

const tables = (db: DatabaseSync) =>
  (
    db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 't%' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((r) => r.name);

function recording(log: string[]): Migration[] {
  return ['t1', 't2', 't3'].map((name) => ({
    name,
    up: (db) => {
      log.push(name);
      db.exec(`CREATE TABLE ${name} (x INTEGER) STRICT`);
    },
  }));
}

describe('migrate', () => {
  it('applies every step in order on a new file, then nothing on the next open', () => {
    const db = new DatabaseSync(':memory:');
    const log: string[] = [];
    expect(migrate(db, recording(log))).toEqual({ fromVersion: 0, toVersion: 3 });
    expect(log).toEqual(['t1', 't2', 't3']);
    expect(schemaVersion(db)).toBe(3);
    expect(migrate(db, recording(log))).toEqual({ fromVersion: 3, toVersion: 3 });
    expect(log).toEqual(['t1', 't2', 't3']);
  });

  it('applies only the steps a file has not had', () => {
    const db = new DatabaseSync(':memory:');
    const log: string[] = [];
    migrate(db, recording(log).slice(0, 1));
    migrate(db, recording(log));
    expect(log).toEqual(['t1', 't2', 't3']);
    expect(tables(db)).toEqual(['t1', 't2', 't3']);
  });

  it('rolls every step of the run back when one fails', () => {
    const db = new DatabaseSync(':memory:');
    const steps: Migration[] = [
      ...recording([]).slice(0, 2),
      { name: 'broken', up: (d) => d.exec('CREATE TABLE t9 (x NOPE_TYPE) STRICT') },
    ];
    expect(() => migrate(db, steps)).toThrow(/unknown datatype/);
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
    expect(db.isTransaction).toBe(false);
  });

  it('refuses a file written by a newer version', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('PRAGMA user_version = 7');
    expect(() => migrate(db, recording([]))).toThrow('schema version 7 is newer than this @janitor/store knows (3)');
  });

  it('the real schema creates the outbox and kv tables', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const names = (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(names).toEqual(expect.arrayContaining(['outbox', 'kv']));
  });
});
