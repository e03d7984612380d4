import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds one of omar's built bundles (`mcp-server.mjs`, `sim.mjs`) near a module of omar:
 * in `startDir` or its `dist/`, then up the folders (at most 5 levels), so it is found from
 * dist/, from dist/chunks/ (a lazily loaded command) and, from sources, in the package's dist/.
 */
export function findBundle(startDir: string, fileName: string): string | null {
  let dir = startDir;
  for (let depth = 0; depth < 5; depth += 1) {
    for (const candidate of [join(dir, fileName), join(dir, 'dist', fileName)]) {
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
