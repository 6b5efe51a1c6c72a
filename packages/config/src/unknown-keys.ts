import type { z } from 'zod';

/**
 * The dotted paths of keys in `value` that `schema` does not declare. Objects in the schema strip unknown keys
 * silently; this tells the user which of their settings were ignored (a typo, or a key of the original that no
 * longer applies). Records and loose objects accept any key.
 */
export function unknownKeys(schema: z.ZodType, value: unknown, path = ''): string[] {
  const def = unwrap(schema);
  if (!def || value === null || typeof value !== 'object') return [];
  if (def.type === 'object' && !Array.isArray(value)) {
    if (def.catchall) return [];
    const shape = def.shape as Record<string, z.ZodType>;
    const out: string[] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const keyPath = path ? `${path}.${key}` : key;
      const childSchema = shape[key];
      if (!childSchema) out.push(keyPath);
      else out.push(...unknownKeys(childSchema, child, keyPath));
    }
    return out;
  }
  if (def.type === 'array' && Array.isArray(value)) {
    return value.flatMap((item, i) => unknownKeys(def.element as z.ZodType, item, `${path}[${i}]`));
  }
  return [];
}

type Def = { type: string; shape?: unknown; catchall?: unknown; element?: unknown; innerType?: z.ZodType };

function unwrap(schema: z.ZodType): Def | undefined {
  let def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  while (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'catch', 'readonly'].includes(def.type)) {
    def = (def.innerType as unknown as { _zod: { def: Def } })._zod.def;
  }
  return def;
}
