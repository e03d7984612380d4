import { z } from 'zod';

/**
 * The one document type the chat core speaks (docs/contracts.md §11): a plain-text
 * fallback plus blocks. Each bridge renders it natively (Block Kit, Discord embeds and
 * components, the terminal) and enforces its platform's limits; nothing here knows a
 * platform. Text in blocks is plain text with light Markdown (`*bold*`, `` `code` ``,
 * fenced code): bridges escape it for their platform, so agent text never pings a
 * channel or breaks markup. People to notify are listed in `mentions`, never written
 * into the text as platform syntax.
 */

/** A person to notify, as the platform knows them (`slack:U123` → platform slack, user U123). */
export const MentionSchema = z.object({ platform: z.string().min(1), user: z.string().min(1) });
export type Mention = z.infer<typeof MentionSchema>;

export const ButtonStyleSchema = z.enum(['default', 'primary', 'danger']);

/**
 * A button carries an action id and a value; the core checks the clicker's role against
 * the operation behind the action before anything happens.
 * Action ids: `approve` (value `a<N>:<option index>`), `peek` / `kill` / `kill-confirm`
 * (value `<ea id>:<agent name>`), `dialog` (needs-input answers), `report`.
 */
export const ButtonSchema = z.object({
  action: z.string().min(1).max(64),
  value: z.string().max(2000),
  label: z.string().min(1).max(75),
  style: ButtonStyleSchema.default('default'),
});
export type Button = z.infer<typeof ButtonSchema>;

/** One agent row of an org chart. Rows that need attention (stuck, failed, waiting) are never collapsed. */
export interface TreeNode {
  /** Health glyph (docs/chat-ux.md): ● running, ○ idle, ◐ starting, ⏸ waiting, ⚠ stuck, ✖ failed/exited, ✔ completed. */
  glyph: string;
  name: string;
  /** Backend, task (shortened), age, status line: already shortened, one line. */
  detail: string;
  attention: boolean;
  buttons: Button[];
  children: TreeNode[];
}

export const TreeNodeSchema: z.ZodType<TreeNode> = z.lazy(() =>
  z.object({
    glyph: z.string(),
    name: z.string(),
    detail: z.string(),
    attention: z.boolean(),
    buttons: z.array(ButtonSchema),
    children: z.array(TreeNodeSchema),
  }),
);

export const BlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('header'), text: z.string() }),
  z.object({ type: z.literal('markdown'), text: z.string() }),
  z.object({ type: z.literal('fields'), fields: z.array(z.object({ label: z.string(), value: z.string() })) }),
  /** An org chart: `root` is the EA (or a project's top), drawn with its subtree. */
  z.object({ type: z.literal('tree'), root: TreeNodeSchema }),
  z.object({ type: z.literal('context'), text: z.string() }),
  z.object({ type: z.literal('buttons'), buttons: z.array(ButtonSchema) }),
  z.object({ type: z.literal('divider') }),
]);
export type Block = z.infer<typeof BlockSchema>;

export const ChatDocumentSchema = z.object({
  /** What a notification or a platform without rich blocks shows. */
  text: z.string(),
  blocks: z.array(BlockSchema).default([]),
  mentions: z.array(MentionSchema).default([]),
});
export type ChatDocument = z.infer<typeof ChatDocumentSchema>;

/** A document that is just text (a reply, a notice). */
export function textDocument(text: string, mentions: Mention[] = []): ChatDocument {
  return { text, blocks: [{ type: 'markdown', text }], mentions };
}
