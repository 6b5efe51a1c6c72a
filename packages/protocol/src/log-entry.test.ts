import { describe, expect, it } from 'vitest';
import {
  ALERT_LOG_ENDINGS,
  ALERT_LOG_OPEN,
  ALERT_LOG_TRANSITIONS,
  type AlertLogEntry,
  type MessageLogEntry,
  parseAlertLogPage,
  parseMessageLogPage,
} from './log-entry.ts';

const T0 = Date.UTC(2026, 11, 1, 9);

const ALERT: AlertLogEntry = {
  id: 12,
  atMs: T0,
  hostname: 'pi1',
  key: 'cpu_percent',
  label: 'CPU %',
  transition: 'resolved',
  level: 'warning',
  value: 41,
  limit: 80,
  incidentStartMs: T0 - 600_000,
  endMs: T0,
  durationMs: 600_000,
  peak: 99,
  statusUrl: 'https://social.example/@janitor/1',
  by: null,
};

const MESSAGE: MessageLogEntry = {
  id: 5,
  atMs: T0,
  hostname: null,
  source: 'token:backup-script',
  type: 'warning',
  summary: null,
  text: '3 files skipped',
  outboxId: 77,
  statusUrl: null,
  posted: false,
};

describe('the transitions', () => {
  it('an incident is either open or ended after each transition but pending', () => {
    const closed = new Set([...ALERT_LOG_OPEN, ...ALERT_LOG_ENDINGS]);
    expect(ALERT_LOG_TRANSITIONS.filter((t) => !closed.has(t))).toEqual(['pending']);
    expect(ALERT_LOG_OPEN.filter((t) => ALERT_LOG_ENDINGS.includes(t))).toEqual([]);
  });
});

describe('parseAlertLogPage', () => {
  it('takes a page as the hub answers it, dropping fields it does not know', () => {
    expect(parseAlertLogPage({ alerts: [{ ...ALERT, extra: 1 }], next: 'abc' })).toEqual({
      ok: true,
      value: { alerts: [ALERT], next: 'abc' },
    });
    expect(parseAlertLogPage({ alerts: [] })).toEqual({ ok: true, value: { alerts: [], next: null } });
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'alerts'],
    ['no list', { next: null }, 'alerts'],
    ['a next that is no cursor', { alerts: [], next: 5 }, 'next'],
    ['a row that is no object', { alerts: [null] }, 'alerts[0]'],
    [
      'a transition it does not know',
      { alerts: [ALERT, { ...ALERT, transition: 'exploded' }] },
      'alerts[1].transition',
    ],
    ['a level that is no message type', { alerts: [{ ...ALERT, level: 'loud' }] }, 'alerts[0].level'],
    ['a value that is text', { alerts: [{ ...ALERT, value: '41' }] }, 'alerts[0].value'],
    ['a missing status URL', { alerts: [{ ...ALERT, statusUrl: undefined }] }, 'alerts[0].statusUrl'],
  ])('refuses %s, naming the field', (_meaning, value, field) => {
    expect(parseAlertLogPage(value)).toMatchObject({ ok: false, error: { status: 400, field } });
  });
});

describe('parseMessageLogPage', () => {
  it('takes a page as the hub answers it', () => {
    expect(parseMessageLogPage({ messages: [MESSAGE], next: null })).toEqual({
      ok: true,
      value: { messages: [MESSAGE], next: null },
    });
  });

  it.each<[string, unknown, string]>([
    ['a posted flag that is not a boolean', { messages: [{ ...MESSAGE, posted: 1 }] }, 'messages[0].posted'],
    ['an outbox id of 0', { messages: [{ ...MESSAGE, outboxId: 0 }] }, 'messages[0].outboxId'],
    ['a type it does not know', { messages: [{ ...MESSAGE, type: 'loud' }] }, 'messages[0].type'],
  ])('refuses %s, naming the field', (_meaning, value, field) => {
    expect(parseMessageLogPage(value)).toMatchObject({ ok: false, error: { status: 400, field } });
  });
});
