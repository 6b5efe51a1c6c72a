import { describe, expect, it } from 'vitest';
import { parseHistorySettings } from './history-config.ts';
import { DEFAULT_HISTORY_RETENTION } from './tiers.ts';

describe('parseHistorySettings', () => {
  it('is on with the default retention when the section is missing', () => {
    expect(parseHistorySettings(undefined)).toEqual({
      settings: { enabled: true, retention: DEFAULT_HISTORY_RETENTION },
      problems: [],
    });
  });

  it('reads enabled and each tier as a duration', () => {
    const { settings, problems } = parseHistorySettings({
      enabled: false,
      retention: { raw: '24h', ten_minutes: '14d', hour: '730d' },
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      enabled: false,
      retention: { rawMs: 86_400_000, tenMinutesMs: 14 * 86_400_000, hourMs: 730 * 86_400_000 },
    });
  });

  it('keeps the defaults of the tiers not named', () => {
    const { settings } = parseHistorySettings({ retention: { hour: '500d' } });
    expect(settings.retention).toEqual({ ...DEFAULT_HISTORY_RETENTION, hourMs: 500 * 86_400_000 });
  });

  it('names the key path of each problem', () => {
    const { problems } = parseHistorySettings({
      enabled: 'yes',
      retention: { raw: 'soon', minutes: '1d', hour: '20s' },
      keep: true,
    });
    expect(problems).toEqual([
      { path: 'history.keep', message: 'unknown key; expected enabled, retention' },
      { path: 'history.enabled', message: 'expected true or false, got "yes"' },
      { path: 'history.retention.raw', message: expect.stringContaining('"soon"') },
      { path: 'history.retention.minutes', message: 'unknown key; expected raw, ten_minutes, hour' },
      { path: 'history.retention.hour', message: 'expected a duration from 60 minutes to 10 years, got "20s"' },
    ]);
  });

  it('refuses a finer tier kept longer than a coarser one', () => {
    const { problems } = parseHistorySettings({ retention: { raw: '40d' } });
    expect(problems).toEqual([{ path: 'history.retention', message: expect.stringContaining('raw <= ten_minutes') }]);
  });

  it('refuses a section that is not an object', () => {
    expect(parseHistorySettings(['raw']).problems).toEqual([
      { path: 'history', message: 'expected an object (enabled, retention), got a list' },
    ]);
  });
});
