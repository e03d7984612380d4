import type { NotesStore } from '#core/ports.js';

export class MemoryNotes implements NotesStore {
  readonly byEa = new Map<number, string>();

  async read(ea: number): Promise<string> {
    return this.byEa.get(ea) ?? '';
  }

  async write(ea: number, text: string): Promise<void> {
    this.byEa.set(ea, text);
  }
}
