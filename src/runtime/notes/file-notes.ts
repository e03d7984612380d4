import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { eaDir } from '../../config/paths.js';
import type { NotesStore } from '../../core/ports.js';

/** The EA's notes in OMAR_HOME/ea/<id>/notes.md, replaced atomically. */
export function createFileNotes(home: string): NotesStore {
  const pathOf = (ea: number): string => join(eaDir(home, ea), 'notes.md');
  return {
    async read(ea) {
      try {
        return await readFile(pathOf(ea), 'utf8');
      } catch {
        return '';
      }
    },
    async write(ea, text) {
      const path = pathOf(ea);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, path);
    },
  };
}
