import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE, fillTemplate } from './message-template.ts';

const values = { icon: 'I', hostname: 'h', summary: 's', text: 't' };

describe('fillTemplate', () => {
  it.each([
    ['every placeholder is filled', '{icon} {hostname}: {summary} / {text}', values, 'I h: s / t'],
    ['an empty icon swallows the one space after it', '{icon} {hostname}', { ...values, icon: '' }, 'h'],
    ['an empty icon leaves other spaces alone', '{icon}  {hostname}', { ...values, icon: '' }, ' h'],
    ['an icon at the end keeps what precedes it', 'x {icon}', values, 'x I'],
    ['unknown placeholders stay', '{nope} {text}', values, '{nope} t'],
    ['values are not expanded again', '{text}', { ...values, text: '{summary}' }, '{summary}'],
  ])('%s', (_what, template, vals, expected) => {
    expect(fillTemplate(template, vals)).toBe(expected);
  });

  it('defaults to the original layout', () => {
    expect(fillTemplate(DEFAULT_TEMPLATE.textWithoutSummary, values)).toBe('I h:\n\nt');
    expect(fillTemplate(DEFAULT_TEMPLATE.spoiler, values)).toBe('I h:\n\ns');
    expect(fillTemplate(DEFAULT_TEMPLATE.text, values)).toBe('t');
  });
});
