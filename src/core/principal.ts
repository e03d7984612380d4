import type { ChatRole } from './chat/chat-state.js';
import { EA_AGENT } from './model/names.js';

/** Every caller of an operation is an authenticated principal (docs/architecture.md §3). */
export type Principal =
  | { kind: 'owner' }
  | { kind: 'agent'; ea: number; name: string }
  | {
      kind: 'chat';
      platform: string;
      user: string;
      role: ChatRole;
      ea: number;
      /** The channel the person acts from (a command, a button); `ea use` binds it. */
      channel?: string;
    }
  | { kind: 'daemon' };

export const OWNER: Principal = { kind: 'owner' };

/** Not a type guard on purpose: narrowing by it would make the worker branch `never`. */
export function isEaAgent(p: Principal): boolean {
  return p.kind === 'agent' && p.name === EA_AGENT;
}

/** Sender label as agents see it (docs/contracts.md §6). */
export function principalLabel(p: Principal): string {
  switch (p.kind) {
    case 'owner':
      return 'owner';
    case 'agent':
      return p.name;
    case 'chat':
      return `chat:${p.platform}:${p.user}`;
    case 'daemon':
      return 'omar';
  }
}
