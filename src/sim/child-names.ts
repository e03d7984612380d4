/**
 * Names the sim gives the agents it spawns (docs/sim.md, "Naming"):
 * - without backends: `<parent>-<i>`;
 * - with backends: `<base>-<i>-<backend>`, where `<base>` is the parent's name without its
 *   own backend postfix, so every name ends with the backend it runs
 *   (`tree-sim` → `tree-0-sim`, `tree-1-sim` → `tree-1-0-sim` …).
 * Names stay within omar's rule (1–48 letters, digits, `-`, `_`): a name that would be
 * longer keeps the start of its base, a hash of the whole base and its own postfix.
 */
export const NAME_MAX = 48;

const HASH_PART = 9; // '_' + 8 hex digits

export function childName(
  parent: string,
  index: number,
  backend: string | undefined,
  backends: readonly string[] = [],
): string {
  const base = stripBackend(parent, backends);
  const suffix = `-${index}${backend ? `-${backend}` : ''}`;
  return fitName(base, suffix);
}

/** `<base><suffix>`, or `<start of base>_<hash of base><suffix>` when that is longer than 48. */
export function fitName(base: string, suffix: string): string {
  const name = `${base}${suffix}`;
  if (name.length <= NAME_MAX) return name;
  const keep = Math.max(0, NAME_MAX - suffix.length - HASH_PART);
  const shortened = `${base.slice(0, keep)}_${fnv1a(base)}${suffix}`;
  return shortened.length <= NAME_MAX ? shortened : `${fnv1a(name)}${suffix.slice(-(NAME_MAX - 8))}`;
}

/** The name without a trailing `-<backend>` for any of the given backends (longest first). */
export function stripBackend(name: string, backends: readonly string[]): string {
  const byLength = [...backends].sort((a, b) => b.length - a.length);
  for (const backend of byLength) {
    const postfix = `-${backend}`;
    if (name.length > postfix.length && name.endsWith(postfix)) return name.slice(0, -postfix.length);
  }
  return name;
}

/** The backend of child `index`: round-robin over the list; undefined when the list is empty. */
export function backendFor(index: number, backends: readonly string[]): string | undefined {
  return backends.length === 0 ? undefined : backends[index % backends.length];
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable, no crypto needed. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
