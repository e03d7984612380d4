import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { baseTypeOf, objectFields } from '#core/surface/zod-introspect.js';

/** Pins the zod-4 internals the grammar relies on, so a zod upgrade that moves them fails here. */
const IntLike = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .pipe(z.number().int());

describe('objectFields', () => {
  it('reads base type, optionality, defaults and descriptions through wrappers', () => {
    const schema = z.object({
      name: z.string().min(1).describe('The name.'),
      count: z.number().int().optional().describe('How many.'),
      flag: z.boolean().default(false).describe('A switch.'),
      id: IntLike.optional().describe('An id.'),
      lines: IntLike.pipe(z.number().min(1)).optional(),
      kind: z.enum(['a', 'b']).nullable(),
      tags: z.array(z.string()).optional(),
      note: z.string().describe('inner').optional(),
      meta: z.number().meta({ description: 'From meta.' }),
      refined: z.string().refine((s) => s.length < 5, 'short'),
      parsed: z.string().transform((s) => s.split(',')),
      either: z.union([z.number(), z.string()]),
      size: z.literal([1, 2]),
    });
    expect(
      objectFields(schema).map((f) => [
        f.name,
        f.base,
        f.optional,
        f.hasDefault,
        f.defaultValue,
        f.description ?? null,
      ]),
    ).toEqual([
      ['name', 'string', false, false, undefined, 'The name.'],
      ['count', 'number', true, false, undefined, 'How many.'],
      ['flag', 'boolean', true, true, false, 'A switch.'],
      ['id', 'number', true, false, undefined, 'An id.'],
      ['lines', 'number', true, false, undefined, null],
      ['kind', 'enum', false, false, undefined, null],
      ['tags', 'array', true, false, undefined, null],
      ['note', 'string', true, false, undefined, 'inner'],
      ['meta', 'number', false, false, undefined, 'From meta.'],
      ['refined', 'string', false, false, undefined, null],
      ['parsed', 'string', false, false, undefined, null],
      ['either', 'unknown', false, false, undefined, null],
      ['size', 'number', false, false, undefined, null],
    ]);
    const [, , , , , kind, tags] = objectFields(schema);
    expect(kind?.choices).toEqual(['a', 'b']);
    expect(tags?.element).toBe('string');
  });

  it('gives [] for a non-object and unknown for what it cannot read', () => {
    expect(objectFields(z.string())).toEqual([]);
    expect(objectFields(undefined)).toEqual([]);
    expect(baseTypeOf(z.any())).toBe('unknown');
    expect(baseTypeOf({})).toBe('unknown');
  });
});
