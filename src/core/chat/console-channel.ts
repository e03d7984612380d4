/**
 * The terminal chat (`omar chat`, docs/contracts.md §11): its platform is `console`, each
 * EA has one console channel `console:<ea id>` (no threads: the channel is the
 * conversation), and the one person who can write there is whoever holds the owner
 * token — the daemon lets only owner connections attach — known to the core as
 * `console:owner`, an admin.
 */

export const CONSOLE_PLATFORM = 'console';

/** The person at `omar chat`: the owner token's holder. */
export const CONSOLE_OWNER = { id: 'owner', name: 'owner' } as const;

/** The console channel of EA `ea`. */
export function consoleChannel(ea: number): string {
  return `console:${ea}`;
}

/** The EA a console channel belongs to, or null when `channel` is not one. */
export function eaOfConsoleChannel(channel: string): number | null {
  const match = /^console:(\d+)$/.exec(channel);
  return match ? Number(match[1]) : null;
}

/** Is this the owner writing in `omar chat`? */
export function isConsoleOwner(user: { platform: string; id: string }): boolean {
  return user.platform === CONSOLE_PLATFORM && user.id === CONSOLE_OWNER.id;
}
