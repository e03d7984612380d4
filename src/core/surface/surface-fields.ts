import type { AnyOperation, Surface, SurfaceFlag } from '../operation.js';
import { objectFields, type FieldInfo } from './zod-introspect.js';

/** Which surface a command line comes from; the grammar is the same, the prefix differs. */
export type SurfaceName = 'cli' | 'chat';
export type CommandPrefix = 'omar' | '/omar';

export function prefixFor(surface: SurfaceName): CommandPrefix {
  return surface === 'cli' ? 'omar' : '/omar';
}

/** The command as typed on a surface, e.g. `omar events schedule`. */
export function typedCommand(surface: SurfaceName, path: readonly string[]): string {
  return [prefixFor(surface), ...path].join(' ');
}

export function surfaceOf(op: AnyOperation, surface: SurfaceName): Surface | undefined {
  return surface === 'cli' ? op.cli : op.chat;
}

/** The flag of surfaces that declare `watch`: the surface's own, not an input field. */
export const WATCH_FLAG = '--watch';

/** `project_id` → `project-id`. */
export function kebab(field: string): string {
  return field.replace(/_/g, '-');
}

/** One input field as a surface sees it: its flags, whether it is positional, and whether it must be given. */
export interface SurfaceField extends FieldInfo {
  /** `--in`, `--delay-seconds`: aliases first, then the kebab-case field name. */
  flags: string[];
  /** Index in `surface.positional`, if positional. */
  position?: number;
  /** The last positional of a `restPositional` surface. */
  rest: boolean;
  /** Neither optional, nor defaulted by the schema or the surface. */
  required: boolean;
  /** `surface.defaults` or the schema default. */
  defaultValue?: unknown;
  hasSurfaceDefault: boolean;
  /** The alias `parse` functions by flag name (without dashes). */
  parsers: Record<string, SurfaceFlag['parse']>;
}

export function surfaceFields(op: AnyOperation, surface: Surface): SurfaceField[] {
  const positional = surface.positional ?? [];
  const defaults = surface.defaults ?? {};
  const aliases = Object.entries(surface.flags ?? {});
  return objectFields(op.input).map((info) => {
    const own = aliases
      .filter(([, flag]) => flag.field === info.name)
      .map(([name, flag]) => [stripDashes(name), flag] as const);
    const flags = [...own.map(([name]) => `--${name}`), `--${kebab(info.name)}`].filter(
      (f, i, all) => all.indexOf(f) === i,
    );
    const parsers: Record<string, SurfaceFlag['parse']> = {};
    for (const [name, flag] of own) if (flag.parse) parsers[name] = flag.parse;
    const index = positional.indexOf(info.name);
    const hasSurfaceDefault = Object.prototype.hasOwnProperty.call(defaults, info.name);
    const field: SurfaceField = {
      ...info,
      flags,
      rest: index >= 0 && surface.restPositional === true && index === positional.length - 1,
      required: !info.optional && !info.hasDefault && !hasSurfaceDefault,
      hasSurfaceDefault,
      parsers,
    };
    if (index >= 0) field.position = index;
    if (hasSurfaceDefault) field.defaultValue = defaults[info.name];
    return field;
  });
}

export function stripDashes(flag: string): string {
  return flag.replace(/^-+/, '');
}
