import { StringDecoder } from 'node:string_decoder';

export interface OutputTailOptions {
  /** Lines kept (the last ones). @default 20 */
  maxLines?: number;
  /** Characters kept of one line; the rest is cut and marked with `…`. @default 500 */
  maxLineLength?: number;
}

/** The last lines a command printed, across its stdout and stderr, in the order they were completed. */
export interface OutputTail {
  /** Adds a chunk of one stream (each stream keeps its own unfinished line, so lines never mix). */
  push(stream: 'stdout' | 'stderr', chunk: Buffer | string): void;
  /** The kept lines, unfinished ones included, as plain text: no colours, no control characters. */
  lines(): string[];
}

// CSI (colours, cursor moves) and OSC (window titles, links) escape sequences.
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are control characters
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the hub refuses control characters other than tab
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** One line as a person saw it on a terminal: after the last carriage return (progress bars), without escapes. */
export function cleanLine(line: string): string {
  const withoutEscapes = line.replace(ESCAPES, '');
  const lastReturn = withoutEscapes.trimEnd().lastIndexOf('\r');
  const shown = lastReturn === -1 ? withoutEscapes : withoutEscapes.slice(lastReturn + 1);
  return shown.replace(CONTROLS, '').trimEnd();
}

/**
 * Keeps the last `maxLines` lines of a command's output in bounded memory: at most `maxLines` lines of at most
 * `maxLineLength` characters, however much the command prints and however long its lines are.
 */
export function createOutputTail(options: OutputTailOptions = {}): OutputTail {
  const { maxLines = 20, maxLineLength = 500 } = options;
  const kept: string[] = [];
  const partial = {
    stdout: { decoder: new StringDecoder('utf8'), text: '', cut: false },
    stderr: { decoder: new StringDecoder('utf8'), text: '', cut: false },
  };

  function keep(line: string, cut: boolean) {
    if (maxLines <= 0) return;
    const clean = cleanLine(line);
    kept.push(cut || clean.length > maxLineLength ? `${clean.slice(0, maxLineLength)}…` : clean);
    if (kept.length > maxLines) kept.shift();
  }

  return {
    push(stream, chunk) {
      const p = partial[stream];
      const text = typeof chunk === 'string' ? chunk : p.decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        keep(p.text + text.slice(start, nl), p.cut);
        p.text = '';
        p.cut = false;
        start = nl + 1;
      }
      // An unfinished line grows only up to a bound (escapes and carriage returns take room until it ends).
      let rest = p.text + text.slice(start);
      const room = maxLineLength * 4;
      // A progress bar rewrites its line with carriage returns: only the latest rewrite matters.
      const lastReturn = rest.length > room ? rest.lastIndexOf('\r') : -1;
      if (lastReturn > 0) {
        rest = rest.slice(lastReturn);
        p.cut = false;
      }
      if (rest.length > room) {
        p.text = rest.slice(0, room);
        p.cut = true;
      } else p.text = rest;
    },
    lines() {
      const out = [...kept];
      for (const p of Object.values(partial)) {
        const clean = cleanLine(p.text);
        if (clean !== '') out.push(p.cut || clean.length > maxLineLength ? `${clean.slice(0, maxLineLength)}…` : clean);
      }
      return out.slice(-Math.max(0, maxLines));
    },
  };
}
