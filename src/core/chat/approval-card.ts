import type { State } from '../model/state.js';
import { type Approval, approvalHandle } from './chat-state.js';
import type { Block, ChatDocument } from './document.js';

/**
 * The card of an approval: the question, one button per option and a mention of the
 * person who must act; once closed, the outcome in place of the buttons (so nobody
 * presses twice). Button values are `a<N>:<1-based option number>`.
 */
export function approvalCard(approval: Approval, _state?: Readonly<State>): ChatDocument {
  const handle = approvalHandle(approval.id);
  const asks = `⏸ ${approval.agent} asks (${handle}): ${approval.question}`;
  if (approval.status === 'open') {
    const blocks: Block[] = [
      { type: 'markdown', text: asks },
      {
        type: 'buttons',
        buttons: approval.options.map((label, i) => ({
          action: 'approve',
          value: `${handle}:${i + 1}`,
          label,
          style: i === 0 ? 'primary' : 'default',
        })),
      },
    ];
    return { text: asks, blocks, mentions: approval.mention ? [approval.mention] : [] };
  }
  const outcome =
    approval.status === 'answered'
      ? `✔ ${approval.answer} — by ${approval.answeredBy}`
      : '⌛ timed out, nobody answered';
  const text = `${approval.agent} asked (${handle}): ${approval.question}\n${outcome}`;
  return {
    text,
    blocks: [
      { type: 'markdown', text: `${approval.agent} asked (${handle}): ${approval.question}` },
      { type: 'context', text: outcome },
    ],
    mentions: [],
  };
}
