/** The two exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0.0. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** The `Content-Type` of each format. */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = Object.freeze({
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
});

/** A sample's labels by name. `le` and `quantile` are reserved; a name may not start with `__`. */
export type Labels = Readonly<Record<string, string>>;

/** One value of a gauge or a counter. */
export interface Sample {
  labels?: Labels | undefined;
  value: number;
}

/** One histogram: its cumulative bucket counts, its count and sum. */
export interface HistogramSample {
  labels?: Labels | undefined;
  /** Upper bounds (`le`) in increasing order, without `+Inf`, each with the count of observations at or below it. */
  buckets: readonly { readonly le: number; readonly count: number }[];
  /** Every observation (the `+Inf` bucket). */
  count: number;
  sum: number;
}

interface FamilyBase {
  /** snake_case with the unit last (`_bytes`, `_seconds`); a counter's name is written without `_total`. */
  name: string;
  /** One line saying what it measures. */
  help: string;
  /**
   * The unit, written as OpenMetrics' `# UNIT` line; the name must end with `_<unit>` (a counter's before `_total`).
   * Optional: the text format has no such line.
   */
  unit?: string | undefined;
}

/** A value that goes up and down. */
export interface GaugeFamily extends FamilyBase {
  type: 'gauge';
  /**
   * Its samples, as objects, or as columns (thousands of them: see {@link createSampleColumns}), or written by their
   * keeper with label sets encoded ahead (see {@link SampleSource}).
   */
  samples: readonly Sample[] | SampleColumns | SampleSource;
}

/**
 * A value that only goes up (reset to 0 when the process starts). Named without `_total`: each sample is written as
 * `<name>_total`, and the text format's `# TYPE` line names `<name>_total` too, as promtool expects, while OpenMetrics'
 * names the family (`<name>`), as its specification requires. A name given with `_total` is taken without it.
 */
export interface CounterFamily extends FamilyBase {
  type: 'counter';
  /** Its samples, as objects, or as columns (see {@link createSampleColumns}), or written by a {@link SampleSource}. */
  samples: readonly Sample[] | SampleColumns | SampleSource;
}

/** Observations counted in buckets: written as `<name>_bucket{le=…}`, `<name>_count` and `<name>_sum`. */
export interface HistogramFamily extends FamilyBase {
  type: 'histogram';
  samples: readonly HistogramSample[];
}

/** One metric family: a name, its help, its type and its samples. */
export type MetricFamily = GaugeFamily | CounterFamily | HistogramFamily;

/**
 * Labels rendered once, braces included (`{host="pi",mount="/data"}`, escaped; empty for none), by
 * {@link renderLabels}: what {@link SampleColumns.add} takes, so that a host's labels serve all of its values.
 */
export type RenderedLabels = string & { readonly __renderedLabels: true };

/**
 * The samples of one gauge or counter family of thousands, kept as two columns: the labels, each rendered once and
 * shared by the samples that carry them, and the values. No object per sample, and the lines are made only when
 * the exposition is written (the same in both formats). Made by {@link createSampleColumns}; given as the family's
 * `samples`.
 */
export interface SampleColumns {
  /** The name its samples are written with (a counter's with `_total`). */
  readonly sampleName: string;
  /** How many samples were added. */
  readonly length: number;
  /** Each sample's labels, in the order added (the first {@link SampleColumns.length} of them). */
  readonly labels: readonly RenderedLabels[];
  /** Each sample's value, in the order added (the first {@link SampleColumns.length} of them). */
  readonly values: ArrayLike<number>;
  /**
   * Adds one sample.
   * @throws TypeError for a counter's negative or NaN value
   */
  add(labels: RenderedLabels, value: number): void;
}

/**
 * A label set rendered once ({@link renderLabels}) and encoded once as UTF-8, braces included (empty for none), by
 * {@link encodeLabels}: a {@link SampleSource} writes a sample as its family's name, a copy of these bytes and its
 * value, with no string and no object per sample. A host's few sets (`{host="pi"}`, `{host="pi",mount="/data"}`) serve
 * all of its families, and are kept as long as the host reports the same series.
 */
export type EncodedLabels = Uint8Array & { readonly __encodedLabels: true };

/** Where a {@link SampleSource} writes its samples (the exposition being encoded). */
export interface SampleWriter {
  /**
   * One sample of the family being written: its name, `labels`, and the value `values[at]` (read where it is kept: a
   * number handed from function to function may be boxed, an allocation per sample).
   * @throws TypeError for a counter's negative or NaN value
   */
  sample(labels: EncodedLabels, values: ArrayLike<number>, at: number): void;
}

/**
 * The samples of one gauge or counter family of thousands, written by what keeps them, with label sets encoded ahead
 * ({@link EncodedLabels}): no object per sample is made for the exposition, and the values are read as they are
 * written. Given as the family's `samples`; the lines are the same in both formats.
 */
export interface SampleSource {
  /** The name its samples are written with (a counter's with `_total`), as the family's. */
  readonly sampleName: string;
  /**
   * About how many bytes its samples take, names, labels, values and line feeds included (see
   * {@link MAX_VALUE_BYTES}): room is made for them at once, and the buffer grows past it.
   */
  sizeHint(): number;
  /** Writes every sample, in order, with `out.sample`. */
  write(out: SampleWriter): void;
}

/**
 * The most bytes a sample takes besides its name and labels: the space, its value ({@link formatValue}'s longest,
 * 24: `-2.2250738585072014e-308`) and the line feed. For {@link SampleSource.sizeHint}.
 */
export const MAX_VALUE_BYTES = 26;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const UNIT = /^[a-zA-Z0-9_]+$/;
/** The suffixes a family's own samples take; a family named with one would be read as another's part. */
const RESERVED_SUFFIXES = ['_bucket', '_count', '_sum', '_created'];

/**
 * A label value as both formats write it between double quotes: backslash, double quote and line feed escaped
 * (`\\`, `\"`, `\n`). Everything else, any Unicode included, is written as it is.
 *
 * @example escapeLabelValue('C:\\ "x"\n') // 'C:\\\\ \\"x\\"\\n'
 */
export function escapeLabelValue(value: string): string {
  // Most values (host names, routes) need nothing: test first, replace only when needed.
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** A `# HELP` text: the text format escapes backslash and line feed; OpenMetrics also the double quote. */
function escapeHelp(help: string, format: ExpositionFormat): string {
  const special = format === 'openmetrics' ? /[\\"\n]/g : /[\\\n]/g;
  return help.replace(special, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * A number as both formats read it: `NaN`, `+Inf`, `-Inf`, else JavaScript's shortest round-trip form (`0.25`,
 * `1e+21`), which Prometheus' and OpenMetrics' parsers take.
 */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** A bucket bound: OpenMetrics wants canonical floats (`1.0`, not `1`), the text format takes either. */
function formatBound(le: number, format: ExpositionFormat): string {
  const text = formatValue(le);
  return format === 'openmetrics' && Number.isInteger(le) && !text.includes('e') ? `${text}.0` : text;
}

/**
 * Checks the names of a family before anything of it is written: a bad name is a caller's mistake, thrown as a
 * TypeError naming it (a scraper would otherwise refuse the whole exposition).
 */
function checkFamily(family: MetricFamily, baseName: string): void {
  const what = `metric family ${JSON.stringify(family.name)}`;
  if (!METRIC_NAME.test(baseName)) {
    throw new TypeError(`${what}: expected a name of letters, digits, "_" and ":", not starting with a digit`);
  }
  if (
    RESERVED_SUFFIXES.some((s) => baseName.endsWith(s)) ||
    (family.type !== 'counter' && baseName.endsWith('_total'))
  ) {
    throw new TypeError(`${what}: a ${family.type} may not end with a suffix its samples would take`);
  }
  if (family.unit !== undefined && (!UNIT.test(family.unit) || !baseName.endsWith(`_${family.unit}`))) {
    throw new TypeError(`${what}: expected the name to end with its unit "_${family.unit}"`);
  }
}

/** Label names seen valid: checked once each, not once per sample. */
const goodLabelNames = new Set<string>();

/** The labels between braces (`{a="x",b="y"}`), `extra` (a histogram's `le`) last; empty without labels. */
function labelText(labels: Labels | undefined, extra?: string): string {
  let text = '';
  if (labels !== undefined) {
    for (const name in labels) {
      if (!goodLabelNames.has(name)) {
        if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'le' || name === 'quantile') {
          throw new TypeError(
            `label ${JSON.stringify(name)}: expected a name of letters, digits and "_", not starting with a digit or "__", and not le or quantile`,
          );
        }
        goodLabelNames.add(name);
      }
      const value = labels[name];
      if (typeof value !== 'string') throw new TypeError(`label ${name}: expected a string, got ${typeof value}`);
      text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
    }
  }
  if (extra !== undefined) text += `${text === '' ? '' : ','}${extra}`;
  return text === '' ? '' : `{${text}}`;
}

/**
 * `labels` checked and rendered once for {@link SampleColumns.add}: braces included, values escaped; empty for none.
 *
 * @throws TypeError for a label name either format refuses (not `[a-zA-Z_][a-zA-Z0-9_]*`, `__…`, `le`, `quantile`)
 * @example renderLabels({ host: 'pi', mount: '/data' }) // '{host="pi",mount="/data"}'
 */
export function renderLabels(labels: Labels | undefined): RenderedLabels {
  return labelText(labels) as RenderedLabels;
}

/**
 * The columns of a family of many samples (see {@link SampleColumns}).
 *
 * @param capacity how many samples to make room for at first (they grow past it)
 * @throws TypeError for a name either format refuses
 * @example
 * const cpu = createSampleColumns({ type: 'gauge', name: 'host_cpu_percent' });
 * const pi = renderLabels({ host: 'pi' });
 * cpu.add(pi, 12.5);
 * writeExposition([{ type: 'gauge', name: 'host_cpu_percent', help: 'CPU busy', samples: cpu }], 'text');
 */
export function createSampleColumns(family: { type: 'gauge' | 'counter'; name: string }, capacity = 16): SampleColumns {
  const baseName = family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
  if (!METRIC_NAME.test(baseName)) {
    throw new TypeError(
      `metric family ${JSON.stringify(family.name)}: expected a name of letters, digits, "_" and ":"`,
    );
  }
  return new Columns(baseName, family.type === 'counter', Math.max(1, Math.floor(capacity)));
}

const utf8 = new TextEncoder();

/**
 * Label sets rendered by {@link renderLabels}, encoded once (see {@link EncodedLabels}): views of one buffer, so that a
 * host's few sets cost one allocation.
 *
 * @example
 * const [host, data] = encodeLabels([renderLabels({ host: 'pi' }), renderLabels({ host: 'pi', mount: '/data' })]);
 * // host: the bytes of '{host="pi"}', data: those of '{host="pi",mount="/data"}'
 */
export function encodeLabels(labels: readonly RenderedLabels[]): EncodedLabels[] {
  const text = labels.join('');
  const bytes = utf8.encode(text);
  // ASCII, as names and most values are: a byte per character.
  const ascii = bytes.length === text.length;
  const sets: EncodedLabels[] = [];
  let start = 0;
  for (const set of labels) {
    const end = start + (ascii ? set.length : Buffer.byteLength(set));
    sets.push(bytes.subarray(start, end) as EncodedLabels);
    start = end;
  }
  return sets;
}

/**
 * {@link SampleColumns} as a class (one `add` for every family, which the JIT can inline) over a `Float64Array`
 * (values unboxed): adding a sample allocates nothing but when the columns grow.
 */
class Columns implements SampleColumns {
  readonly sampleName: string;
  length = 0;
  #baseName: string;
  #counter: boolean;
  #labels: RenderedLabels[];
  #values: Float64Array;
  constructor(baseName: string, counter: boolean, capacity: number) {
    this.#baseName = baseName;
    this.#counter = counter;
    this.sampleName = counter ? `${baseName}_total` : baseName;
    this.#labels = new Array<RenderedLabels>(capacity);
    this.#values = new Float64Array(capacity);
  }
  get labels(): readonly RenderedLabels[] {
    return this.#labels;
  }
  get values(): ArrayLike<number> {
    return this.#values;
  }
  add(labels: RenderedLabels, value: number): void {
    if (this.#counter && !(value >= 0)) {
      throw new TypeError(`counter ${this.#baseName}: expected a value of 0 or more, got ${value}`);
    }
    const at = this.length;
    if (at === this.#values.length) {
      const grown = new Float64Array(at * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#labels[at] = labels;
    this.#values[at] = value;
    this.length = at + 1;
  }
}

/**
 * UTF-8 bytes in one growing buffer, written without a string per line: a megabyte of exposition built as strings
 * (by `+=`, by lines, or by chunks) costs the hub more in garbage collection than in building it, as its
 * young generation is small (a few MiB, see the hub's Node flags). ASCII is copied a character at a time, integers are
 * written digit by digit; anything else goes through `Buffer.write`. A {@link SampleSource}'s names and label sets,
 * encoded ahead, are copied as bytes.
 */
class ByteSink implements SampleWriter {
  #buffer: Buffer;
  #length = 0;
  /** The name of the samples a {@link SampleSource} writes now (see {@link ByteSink.startSource}). */
  #name: Uint8Array = new Uint8Array(0);
  /** The counter whose samples are written now ({@link ByteSink.sample} refuses a negative value), if any. */
  #counter: string | undefined;
  /** {@link ByteSink.putValue}'s value, where {@link ByteSink.putValueAt} reads it. */
  readonly #one = new Float64Array(1);
  /**
   * @param sizeHint the bytes to make room for
   * @param spare a buffer to write into (a previous exposition's, sent), when it has the room without being far too
   * large (a fleet that shrank: its buffer is then left to the garbage collector)
   */
  constructor(sizeHint: number, spare?: Buffer) {
    const size = Math.max(sizeHint, 4096);
    // Never from Node's shared pool (allocUnsafe's, below 4 KiB): an encoder keeps and rewrites whole buffers.
    this.#buffer =
      spare !== undefined && spare.length >= size && spare.length <= size * 4 ? spare : Buffer.allocUnsafeSlow(size);
  }
  /** The samples that follow are `sampleName`'s (ASCII, checked), of a counter named `counter`, if one. */
  startSource(sampleName: string, counter: string | undefined): void {
    this.#name = utf8.encode(sampleName);
    this.#counter = counter;
  }
  /** A {@link SampleSource}'s sample: the name, the label set, the value, a line feed. */
  sample(labels: EncodedLabels, values: ArrayLike<number>, at: number): void {
    if (this.#counter !== undefined && !(values[at]! >= 0)) {
      throw new TypeError(`counter ${this.#counter}: expected a value of 0 or more, got ${values[at]}`);
    }
    const name = this.#name;
    this.#reserve(name.length + labels.length + MAX_VALUE_BYTES);
    // Copied by TypedArray#set (a memmove): twice as fast as a loop for some 30 bytes, and unlike Buffer#copy no
    // native call of its own.
    const buffer = this.#buffer;
    let to = this.#length;
    buffer.set(name, to);
    to += name.length;
    buffer.set(labels, to);
    to += labels.length;
    buffer[to++] = 0x20;
    this.#length = to;
    this.putValueAt(values, at);
    this.#buffer[this.#length++] = 0x0a;
  }
  /** Any text. */
  put(text: string): void {
    const n = text.length;
    this.#reserve(n * 3);
    if (n > 256) {
      this.#length += this.#buffer.write(text, this.#length, 'utf8');
      return;
    }
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        // Not ASCII: the rest as UTF-8 (room for it was reserved).
        this.#length = at + buffer.write(text.slice(i), at, 'utf8');
        return;
      }
      buffer[at++] = c;
    }
    this.#length = at;
  }
  /** One character of ASCII. */
  putAscii(code: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = code;
  }
  /**
   * `values[at]` as {@link formatValue} writes it, without a string when it can: an integer (below 2^53) digit by
   * digit, a value with at most 6 decimals (below 2^49 once scaled) as its digits and a point, which is then its
   * shortest round-trip form (see below). Read from where it is kept, as a number handed from function to function
   * may be boxed (an allocation per sample).
   */
  putValueAt(values: ArrayLike<number>, at: number): void {
    let rest = values[at]!;
    // Digits after the point: 0 for an integer.
    let decimals = 0;
    if (!Number.isInteger(rest)) {
      // The fewest decimals (up to 6) whose value reads back as this one. Below 2^49 once scaled, at most one
      // decimal number of that many decimals is that close (their spacing is wider than four units in the last
      // place), so it is the shortest form, the one formatValue writes (and scaling then rounding cannot miss it).
      const sign = rest < 0 ? -1 : 1;
      const magnitude = rest * sign;
      let scale = 1;
      let scaled = Number.NaN;
      for (decimals = 1; decimals <= 6; decimals++) {
        scale *= 10;
        scaled = Math.round(magnitude * scale);
        if (scaled / scale === magnitude) break;
      }
      if (decimals > 6 || !(scaled < 2 ** 49)) {
        this.put(formatValue(rest));
        return;
      }
      rest = scaled * sign;
    } else if (rest > 2 ** 53 || rest < -(2 ** 53)) {
      this.put(formatValue(rest));
      return;
    }
    this.#reserve(MAX_VALUE_BYTES);
    const buffer = this.#buffer;
    let end = this.#length;
    if (rest < 0) {
      buffer[end++] = 0x2d;
      rest = -rest;
    }
    // In two parts below 2^31, so that a digit is an integer division by 10 (a multiplication), not a double's:
    // the last 9 digits, and those before them.
    let high = 0;
    let low = rest;
    if (rest >= 1e9) {
      high = Math.floor(rest / 1e9);
      low = rest - high * 1e9;
      // The division may round up to the next integer just below it.
      if (low < 0) {
        high -= 1;
        low += 1e9;
      }
    }
    let part = high > 0 ? high : low;
    let digits = high > 0 ? 10 : 1;
    for (let p = 10; p <= part; p *= 10) digits++;
    // At least one digit before the point.
    if (digits <= decimals) digits = decimals + 1;
    end += decimals > 0 ? digits + 1 : digits;
    this.#length = end;
    part = low | 0;
    const highPart = high | 0;
    for (let i = 0; i < digits; i++) {
      if (i === 9) part = highPart;
      if (i === decimals && i > 0) buffer[--end] = 0x2e;
      const quotient = (part / 10) | 0;
      buffer[--end] = 0x30 + part - quotient * 10;
      part = quotient;
    }
  }

  /** One value of a sample object (see {@link ByteSink.putValueAt}). */
  putValue(value: number): void {
    this.#one[0] = value;
    this.putValueAt(this.#one, 0);
  }
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buffer.length * 2, this.#length + bytes));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

/**
 * The exposition of `families` in `format` as UTF-8 bytes, every family with its `# HELP` and `# TYPE` (and
 * OpenMetrics' `# UNIT` when it has a unit), its samples after them; OpenMetrics' ends with `# EOF`. A family
 * without samples is written with its HELP and TYPE only. Counters are written as `<name>_total` (see
 * {@link CounterFamily}). What a server sends; {@link writeExposition} is the same as a string.
 *
 * @throws TypeError for a metric or label name either format refuses, a name given twice, a unit the name does not
 * end with, or a counter's negative value
 */
export function encodeExposition(families: readonly MetricFamily[], format: ExpositionFormat): Buffer {
  return encodeInto(families, format, undefined);
}

/**
 * Encodes expositions into a buffer kept from one to the next (see {@link createExpositionEncoder}): what a server
 * answering scrapes keeps.
 */
export interface ExpositionEncoder {
  /**
   * {@link encodeExposition}'s bytes, written into the buffer of an exposition released before when there is one
   * (else a new one). They stay valid until given to {@link ExpositionEncoder.release}.
   *
   * @throws TypeError as {@link encodeExposition}
   */
  encode(families: readonly MetricFamily[], format: ExpositionFormat): Buffer;
  /**
   * `bytes`, from {@link ExpositionEncoder.encode}, are read no more (sent, or their request is gone): their buffer is
   * written by the next exposition. Bytes never released are left to the garbage collector; bytes not from this
   * encoder, or released already, are ignored.
   */
  release(bytes: Uint8Array): void;
}

/**
 * An {@link ExpositionEncoder}: the megabyte of a large exposition written into the same memory at every scrape
 * rather than into a new buffer. A new one costs more than writing it in a server run with a small heap, as the
 * Janitor hub is: it is external memory to V8, and a megabyte of it at every scrape brings full garbage collections on
 * (one every six back-to-back scrapes of the hub's 1 000 hosts, against one every fifty with the buffer kept). Keeps
 * one buffer spare, the largest released; an exposition encoded while it is out (a scrape while the last one is still
 * being sent) gets a new one.
 *
 * @example
 * const encoder = createExpositionEncoder();
 * const body = encoder.encode(families, format);
 * res.once('close', () => encoder.release(body)); // node:http: every byte of it handed to the kernel, or the request gone
 * res.end(body);
 */
export function createExpositionEncoder(): ExpositionEncoder {
  /** A buffer no exposition uses now. */
  let spare: Buffer | undefined;
  /** The expositions handed out and not released (the bytes themselves: a stale one's buffer may be out again). */
  const out = new WeakSet<Uint8Array>();
  return {
    encode(families, format) {
      const buffer = spare;
      spare = undefined;
      try {
        const bytes = encodeInto(families, format, buffer);
        out.add(bytes);
        return bytes;
      } catch (error) {
        spare ??= buffer;
        throw error;
      }
    },
    release(bytes) {
      if (!out.delete(bytes)) return;
      const { buffer } = bytes;
      if (spare === undefined || buffer.byteLength > spare.length) spare = Buffer.from(buffer, 0, buffer.byteLength);
    },
  };
}

/** {@link encodeExposition}, into `spare` when it is a fit. */
function encodeInto(families: readonly MetricFamily[], format: ExpositionFormat, spare: Buffer | undefined): Buffer {
  const seen = new Set<string>();
  // The size to start with: mostly ASCII, a byte per character; the buffer grows if the labels say otherwise.
  let size = families.length * 128;
  for (const family of families) {
    const { samples } = family;
    if (Array.isArray(samples)) size += samples.length * 64;
    else if (isSource(samples)) size += samples.sizeHint();
    else size += (samples as SampleColumns).length * (family.name.length + 48);
  }
  const out = new ByteSink(Math.ceil(size * 1.05), spare);
  for (const family of families) {
    const baseName = family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
    checkFamily(family, baseName);
    if (seen.has(baseName)) throw new TypeError(`metric family ${JSON.stringify(baseName)}: given twice`);
    seen.add(baseName);
    // The text format (and promtool) names a counter's family by its samples' name; OpenMetrics by the family's.
    const headName = family.type === 'counter' && format === 'text' ? `${baseName}_total` : baseName;
    out.put(`# HELP ${headName} ${escapeHelp(family.help, format)}\n# TYPE ${headName} ${family.type}\n`);
    if (format === 'openmetrics' && family.unit !== undefined) out.put(`# UNIT ${headName} ${family.unit}\n`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) putHistogram(out, baseName, sample, format);
    } else if (isSource(family.samples)) {
      const source = family.samples;
      const sampleName = family.type === 'counter' ? `${baseName}_total` : baseName;
      if (source.sampleName !== sampleName) {
        throw new TypeError(`metric family ${JSON.stringify(baseName)}: its samples are ${source.sampleName}'s`);
      }
      out.startSource(sampleName, family.type === 'counter' ? baseName : undefined);
      source.write(out);
    } else if (!Array.isArray(family.samples)) {
      const columns = family.samples as SampleColumns;
      const sampleName = family.type === 'counter' ? `${baseName}_total` : baseName;
      if (columns.sampleName !== sampleName) {
        throw new TypeError(`metric family ${JSON.stringify(baseName)}: its samples are ${columns.sampleName}'s`);
      }
      const { labels, values } = columns;
      for (let i = 0; i < columns.length; i++) {
        out.put(sampleName);
        out.put(labels[i]!);
        out.putAscii(0x20);
        out.putValueAt(values, i);
        out.putAscii(0x0a);
      }
    } else {
      const sampleName = family.type === 'counter' ? `${baseName}_total` : baseName;
      for (const sample of family.samples as readonly Sample[]) {
        if (family.type === 'counter' && !(sample.value >= 0)) {
          throw new TypeError(`counter ${baseName}: expected a value of 0 or more, got ${sample.value}`);
        }
        out.put(`${sampleName}${labelText(sample.labels)} ${formatValue(sample.value)}\n`);
      }
    }
  }
  if (format === 'openmetrics') out.put('# EOF\n');
  return out.bytes();
}

/** Whether a family's samples are a {@link SampleSource}. */
function isSource(samples: MetricFamily['samples']): samples is SampleSource {
  return !Array.isArray(samples) && typeof (samples as Partial<SampleSource>).write === 'function';
}

/**
 * The exposition of `families` in `format` as text: {@link encodeExposition}'s bytes, decoded.
 *
 * @throws TypeError as {@link encodeExposition}
 * @example
 * writeExposition([{ type: 'gauge', name: 'pi_cpu_percent', help: 'CPU busy', samples: [{ labels: { host: 'pi' }, value: 12.5 }] }], 'text');
 * // '# HELP pi_cpu_percent CPU busy\n# TYPE pi_cpu_percent gauge\npi_cpu_percent{host="pi"} 12.5\n'
 */
export function writeExposition(families: readonly MetricFamily[], format: ExpositionFormat): string {
  return encodeExposition(families, format).toString('utf8');
}

function putHistogram(out: ByteSink, name: string, sample: HistogramSample, format: ExpositionFormat): void {
  let previous = -Infinity;
  for (const bucket of sample.buckets) {
    if (!(bucket.le > previous) || bucket.le === Infinity) {
      throw new TypeError(`histogram ${name}: expected finite bucket bounds in increasing order`);
    }
    previous = bucket.le;
    const le = `le="${formatBound(bucket.le, format)}"`;
    out.put(`${name}_bucket${labelText(sample.labels, le)} ${formatValue(bucket.count)}\n`);
  }
  const labels = labelText(sample.labels);
  out.put(`${name}_bucket${labelText(sample.labels, 'le="+Inf"')} ${formatValue(sample.count)}\n`);
  out.put(`${name}_count${labels} ${formatValue(sample.count)}\n`);
  out.put(`${name}_sum${labels} ${formatValue(sample.sum)}\n`);
}
