import type { AgentLauncher, LaunchSpec, PreparedLaunch } from '#core/ports.js';

/** Records launches; plans a command that names the backend, with scripted markers. */
export class FakeLauncher implements AgentLauncher {
  readonly prepared: LaunchSpec[] = [];
  readonly watched: Array<{ ea: number; name: string; markers: readonly string[]; awaitsHello: boolean }> = [];
  firstMessage: string | null = null;
  failNext: Error | null = null;

  async prepare(spec: LaunchSpec): Promise<PreparedLaunch> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    this.prepared.push(spec);
    return {
      command: `${spec.backend} --agent ${spec.name}${spec.model ? ` --model ${spec.model}` : ''}`,
      env: { FAKE_BACKEND: spec.backend },
      firstMessage: this.firstMessage,
      readyMarkers: [`${spec.backend} ready`],
      awaitsHello: true,
    };
  }

  watch(ea: number, name: string, markers: readonly string[], awaitsHello: boolean): void {
    this.watched.push({ ea, name, markers, awaitsHello });
  }
}
