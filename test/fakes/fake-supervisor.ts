import type { DaemonStatus, SupervisorHooks } from '#core/ports.js';

export const FAKE_DAEMON_STATUS: DaemonStatus = {
  pid: 4242,
  startedAt: '2026-03-01T12:00:00.000Z',
  home: '/fake/omar-home',
  socket: '/fake/omar-home/omar.sock',
  tmuxSocket: '/fake/tmux/omar',
  version: '0.0.0-test',
  backend: 'raw',
  healthTickMs: 1.5,
  healthTickCommands: 1,
  chat: [{ platform: 'console', connected: true, clients: 0 }],
};

/** Records what the core asks of the daemon. */
export class FakeSupervisor implements SupervisorHooks {
  kicks = 0;
  readonly shutdownRequests: Array<{ killAgents: boolean }> = [];

  constructor(public daemonStatus: DaemonStatus = { ...FAKE_DAEMON_STATUS }) {}

  kick(): void {
    this.kicks += 1;
  }

  requestShutdown(options: { killAgents: boolean }): void {
    this.shutdownRequests.push({ ...options });
  }

  status(): DaemonStatus {
    return { ...this.daemonStatus };
  }
}
