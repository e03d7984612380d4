import type { BackendCatalog, BackendInfo } from '#core/ports.js';

/** A scripted catalogue: which CLIs "are installed" is up to the test. */
export class FakeBackends implements BackendCatalog {
  constructor(
    public backends: BackendInfo[] = [
      { name: 'sim', binary: 'omar', installed: true, version: 'test', verified: true, install: 'built in' },
    ],
    public fallback: string | null = 'sim',
  ) {}

  async list(): Promise<BackendInfo[]> {
    return this.backends;
  }

  async defaultBackend(): Promise<string | null> {
    return this.fallback;
  }
}
