import { load } from 'js-yaml';

/** A key written twice in one mapping of a YAML file (PyYAML, the original's parser, kept the last one). */
export interface RepeatedKey {
  /** The dotted key path of the repeated key, e.g. `formatter.templates.message_type.error`. */
  path: string;
  /** The 1-based line of the repetition that is used (the last one). */
  line: number;
  /** The 1-based line where the key first appeared. */
  firstLine: number;
}

/** What a config file's text holds. */
export interface YamlText {
  /** The parsed value; undefined when the file has nothing in it (empty, only comments, or a bare `---`). */
  value: unknown;
  /** Keys repeated in a mapping, the last one of each kept, as the original's PyYAML did. */
  repeated: RepeatedKey[];
}

/**
 * Parses a config file's text. Repeated keys, which PyYAML accepted (the last one wins), load the same way and are
 * listed in `repeated` instead of failing. Other YAML errors throw, with `YAML Error in FILE:` before the reason.
 */
export async function parseYamlText(text: string, filepath: string): Promise<YamlText> {
  try {
    const value = load(text);
    return { value: value ?? undefined, repeated: [] };
  } catch (error) {
    const reason = (error as { reason?: string }).reason;
    if (reason === 'expected a document, but the input is empty') return { value: undefined, repeated: [] };
    if (reason === 'duplicated mapping key') {
      // `json: true` only changes one thing: a repeated key overrides the earlier one instead of failing.
      const value = load(text, { json: true });
      return { value: value ?? undefined, repeated: await findRepeatedKeys(text) };
    }
    if (error instanceof Error) error.message = `YAML Error in ${filepath}:\n${error.message}`;
    throw error;
  }
}

/** The keys repeated in a mapping of `text`, in the order of the file. Loads the `yaml` parser only when needed. */
async function findRepeatedKeys(text: string): Promise<RepeatedKey[]> {
  const { isMap, isScalar, isSeq, LineCounter, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  const found: RepeatedKey[] = [];
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  };
  const walk = (node: unknown, path: string) => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyPath = path ? `${path}.${key}` : key;
        const line = lineOf(pair.key);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, line);
        else found.push({ path: keyPath, line, firstLine: first });
        walk(pair.value, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, `${path}[${i}]`);
      });
    }
  };
  walk(doc.contents, '');
  return found;
}

/** The warning for a repeated key, naming the file and both lines. */
export function repeatedKeyWarning(filepath: string, key: RepeatedKey): string {
  return `${filepath}:${key.line}: ${key.path} is repeated (first at line ${key.firstLine}); the last one is used, as the original did`;
}
