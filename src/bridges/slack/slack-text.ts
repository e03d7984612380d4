/**
 * Slack's message markup as plain text (docs/contracts.md §11.5): the bot's own mention
 * removed, other mentions as `@name`, channels as `#name`, links as their URL (with the
 * label when it differs), special mentions as words, entities decoded.
 */
export function slackToPlainText(text: string, botUserId: string | null, names: ReadonlyMap<string, string>): string {
  return text
    .replace(/<([^<>]*)>/g, (_all, inner: string) => {
      const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
      if (target.startsWith('@')) {
        const id = target.slice(1);
        if (id === botUserId) return '';
        return `@${label ?? names.get(id) ?? id}`;
      }
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!subteam^')) return `@${label ?? 'group'}`;
      if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
      if (label && label !== target && label !== target.replace(/^mailto:/, '')) return `${label} (${target})`;
      return target.replace(/^mailto:/, '');
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/^\s+|\s+$/g, '');
}

/** The user ids mentioned in a Slack text (to look up their names). */
export function mentionedUsers(text: string): string[] {
  return [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!);
}
