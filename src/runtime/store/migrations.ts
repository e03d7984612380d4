import { errorMessage } from '../../core/errors.js';
import { STATE_VERSION } from '../../core/model/state.js';

/**
 * Upgrades of state.json, one version at a time. `migrate` receives the parsed file
 * at version `from` and returns it at version `to` (the runner stamps `version`).
 * The result is then validated against the current StateSchema.
 */
export interface Migration {
  from: number;
  to: number;
  migrate(raw: Record<string, unknown>): Record<string, unknown>;
}

/** Production migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    // Version 2 adds the chat: conversations, outbox, approvals, grants, bindings; projects learn their conversation.
    from: 1,
    to: 2,
    migrate: (raw) => {
      const next = (raw['next'] ?? {}) as Record<string, unknown>;
      const projects = Array.isArray(raw['projects'])
        ? (raw['projects'] as Record<string, unknown>[])
        : raw['projects'];
      return {
        ...raw,
        next: { ...next, conversation: 1, outbox: 1, approval: 1 },
        projects: Array.isArray(projects)
          ? projects.map((p) => ({ conversation: null, startedBy: null, ...p }))
          : projects,
        conversations: [],
        outbox: [],
        chatMessages: [],
        approvals: [],
        chatGrants: [],
        channelBindings: [],
      };
    },
  },
  {
    // Version 3 adds the prompts agents' CLIs wait on (dialogs) and their ids.
    from: 2,
    to: 3,
    migrate: (raw) => ({
      ...raw,
      next: { ...((raw['next'] ?? {}) as Record<string, unknown>), dialog: 1 },
      dialogs: [],
    }),
  },
  {
    // Version 4 remembers mutating calls that carried an idempotency key.
    from: 3,
    to: 4,
    migrate: (raw) => ({ ...raw, idempotency: [] }),
  },
];

export class MigrationError extends Error {}

export interface MigrationResult {
  data: Record<string, unknown>;
  /** Versions migrated from, in order (empty when the file was already current). */
  applied: number[];
}

/**
 * Runs the migrations that take `raw` from its `version` up to `target`.
 * A file without a numeric version is left alone (the schema will report it).
 * Throws MigrationError when a step is missing, misdeclared or throws.
 */
export function runMigrations(
  raw: Record<string, unknown>,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = STATE_VERSION,
): MigrationResult {
  let data = raw;
  const applied: number[] = [];
  let version = raw['version'];
  while (typeof version === 'number' && Number.isInteger(version) && version < target) {
    const from = version;
    const step = migrations.find((m) => m.from === from);
    if (!step) throw new MigrationError(`no migration from version ${from} (this omar reads version ${target})`);
    if (step.to !== from + 1)
      throw new MigrationError(`migration from version ${from} goes to ${step.to}, not ${from + 1}`);
    try {
      data = { ...step.migrate(structuredClone(data)), version: step.to };
    } catch (error) {
      const reason = errorMessage(error);
      throw new MigrationError(`migration from version ${from} to ${step.to} failed: ${reason}`, { cause: error });
    }
    applied.push(from);
    version = step.to;
  }
  return { data, applied };
}
