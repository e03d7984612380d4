import type { AgentContexts } from '#core/ports.js';

/** Scripted AgentContexts: predictable hashes and paths, no files. */
export class FakeContexts implements AgentContexts {
  /** Live contexts, keyed `<ea>/<name>`, with the hash issued. */
  readonly live = new Map<string, string>();
  readonly issued: Array<{ ea: number; name: string; tokenHash: string }> = [];
  readonly removed: Array<{ ea: number; name: string }> = [];
  #n = 0;
  /** The next `issue` throws this (once). */
  failNextIssue: Error | null = null;

  async issue(ea: number, name: string): Promise<{ tokenHash: string; contextPath: string }> {
    if (this.failNextIssue) {
      const error = this.failNextIssue;
      this.failNextIssue = null;
      throw error;
    }
    this.#n += 1;
    const tokenHash = `hash-${ea}-${name}-${this.#n}`;
    this.live.set(key(ea, name), tokenHash);
    this.issued.push({ ea, name, tokenHash });
    return { tokenHash, contextPath: this.pathOf(ea, name) };
  }

  pathOf(ea: number, name: string): string {
    return `/fake/${ea}/${name}/context.json`;
  }

  async remove(ea: number, name: string): Promise<void> {
    this.live.delete(key(ea, name));
    this.removed.push({ ea, name });
  }

  isLive(ea: number, name: string): boolean {
    return this.live.has(key(ea, name));
  }
}

function key(ea: number, name: string): string {
  return `${ea}/${name}`;
}
