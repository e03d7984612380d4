import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from '#runtime/backends/backend-registry.js';

/** One truth: the README's "verified end to end" column says what the code's `verified` flag says. */
describe('backend verification claims', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const lines = readme.split('\n');
  const header = lines.findIndex((l) => l.startsWith('| backend |') && l.includes('verified end to end'));
  const rows = new Map<string, string>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([a-z]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name) rows.set(name, cells[cells.length - 2] ?? '');
  }

  it('finds the table', () => {
    expect(header).toBeGreaterThan(0);
    expect(rows.size).toBeGreaterThanOrEqual(6);
  });

  it.each(BACKENDS.filter((b) => !b.builtIn).map((b) => [b.name, b.verified] as const))(
    '%s: the README says verified = %s',
    (name, verified) => {
      const claim = rows.get(name);
      expect(claim, `README row for ${name}`).toBeDefined();
      expect(/^yes\b/.test(claim!)).toBe(verified);
    },
  );
});
