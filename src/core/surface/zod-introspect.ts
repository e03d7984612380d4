import { globalRegistry } from 'zod';

/**
 * Just enough zod-4 schema walking for the command grammar and help: the fields of
 * a z.object, each field's base type, whether it may be left out, its default and
 * its `.describe()` text. Reads `_zod.def` (zod 4's stable internal definition);
 * anything it does not recognise becomes 'unknown' and is passed through as text.
 */
export type BaseType = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'unknown';

export interface FieldInfo {
  name: string;
  base: BaseType;
  /** For arrays: the element's base type. */
  element?: BaseType;
  /** Enum or literal values. */
  choices?: readonly (string | number | boolean)[];
  /** The field may be left out (optional, or it has a default). */
  optional: boolean;
  hasDefault: boolean;
  defaultValue?: unknown;
  description?: string;
}

interface Def {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  options?: readonly unknown[];
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
  defaultValue?: unknown;
  getter?: () => unknown;
}

const WRAPPERS = new Set(['optional', 'nonoptional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'lazy']);

export function defOf(schema: unknown): Def | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const s = schema as { _zod?: { def?: Def }; def?: Def };
  return s._zod?.def ?? s.def;
}

/** The fields of a z.object (in declaration order); [] for anything else. */
export function objectFields(schema: unknown): FieldInfo[] {
  const def = defOf(unwrap(schema));
  if (def?.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape).map(([name, field]) => fieldInfo(name, field));
}

export function fieldInfo(name: string, schema: unknown): FieldInfo {
  let optional: boolean | undefined;
  let hasDefault = false;
  let defaultValue: unknown;
  let description: string | undefined;
  let current: unknown = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    description ??= describedAs(current);
    const def = defOf(current);
    if (!def?.type || !WRAPPERS.has(def.type)) break;
    if (def.type === 'nonoptional') optional ??= false;
    if (def.type === 'optional' || def.type === 'catch') optional ??= true;
    if ((def.type === 'default' || def.type === 'prefault') && !hasDefault) {
      optional ??= true;
      hasDefault = true;
      defaultValue = def.defaultValue;
    }
    current = def.type === 'lazy' ? def.getter?.() : def.innerType;
  }
  const { base, element, choices } = describeType(current);
  const info: FieldInfo = { name, base, optional: optional ?? false, hasDefault };
  if (element) info.element = element;
  if (choices) info.choices = choices;
  if (hasDefault) info.defaultValue = defaultValue;
  if (description) info.description = description;
  return info;
}

/** The base type of a schema, looking through wrappers, pipes and unions. */
export function baseTypeOf(schema: unknown): BaseType {
  return describeType(unwrap(schema)).base;
}

function describeType(schema: unknown): {
  base: BaseType;
  element?: BaseType;
  choices?: readonly (string | number | boolean)[];
} {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def?.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'object':
      return { base: def.type };
    case 'int':
    case 'bigint':
      return { base: 'number' };
    case 'enum':
      return choiceType(Object.values(def.entries ?? {}));
    case 'literal':
      return choiceType(def.values ?? []);
    case 'array':
      return { base: 'array', element: baseTypeOf(def.element) };
    case 'union': {
      const bases = new Set((def.options ?? []).map(baseTypeOf));
      const [only] = bases;
      return { base: bases.size === 1 && only ? only : 'unknown' };
    }
    default:
      return { base: 'unknown' };
  }
}

function choiceType(values: readonly unknown[]): { base: BaseType; choices?: readonly (string | number | boolean)[] } {
  const choices = values.filter((v): v is string | number | boolean =>
    ['string', 'number', 'boolean'].includes(typeof v),
  );
  if (choices.length > 0 && choices.every((v) => typeof v === 'number')) return { base: 'number', choices };
  if (choices.length > 0 && choices.every((v) => typeof v === 'boolean')) return { base: 'boolean' };
  return { base: 'enum', choices };
}

/** Looks through wrappers and pipes (the output side, or the input side of a transform). */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    const def = defOf(current);
    if (!def?.type) return current;
    if (WRAPPERS.has(def.type)) current = def.type === 'lazy' ? def.getter?.() : def.innerType;
    else if (def.type === 'pipe') current = defOf(def.out)?.type === 'transform' ? def.in : def.out;
    else return current;
  }
  return current;
}

function describedAs(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const meta = globalRegistry.get(schema as Parameters<typeof globalRegistry.get>[0]);
  const text = meta?.description;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}
