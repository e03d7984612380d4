import type { State } from '../model/state.js';
import { clockTime } from '../text/clock-time.js';
import { approvalHandle, type Approval } from './chat-state.js';
import type { Block, Button, ChatDocument } from './document.js';
import { agentButtonValue, buttonLabel, shortLine } from './document-parts.js';
import { GLYPHS } from './glyphs.js';

/**
 * The card an approval is answered on (docs/chat-ux.md, "Waiting for a person"): who asks
 * and for which project, the question, one button per option and a Peek, the person it
 * waits for mentioned. Once answered or timed out it shows the outcome
 * (`✔ Approve — by Alice · 14:02`) in place of the buttons, and pings nobody.
 */
export interface ApprovalCardOptions {
  /** When it was answered (ms); the state keeps no time of the answer. */
  answeredAtMs?: number;
  /** IANA zone for times of day (default: the machine's). */
  timeZone?: string;
}

/** Options that say no get the danger style; the first other option is the primary one. */
const NEGATIVE = /^(deny|denied|no|reject|cancel|abort|stop|don'?t)\b/i;

export function approvalCard(approval: Approval, state: Readonly<State>, opts: ApprovalCardOptions = {}): ChatDocument {
  const open = approval.status === 'open';
  const glyph = open ? GLYPHS.waiting : approval.status === 'answered' ? GLYPHS.completed : GLYPHS.failed;
  const title = [`${glyph} ${approval.agent} ${open ? 'asks' : 'asked'}`, projectName(state, approval)]
    .filter((part) => part !== null)
    .join(' · ');
  const blocks: Block[] = [
    { type: 'header', text: title },
    { type: 'markdown', text: approval.question },
  ];
  if (open) {
    blocks.push({ type: 'context', text: openContext(approval, opts.timeZone) });
    blocks.push({ type: 'buttons', buttons: [...optionButtons(approval), peekButton(approval)] });
    const text = `${GLYPHS.waiting} ${approval.agent} asks: ${shortLine(approval.question, 120)}`;
    return { text, blocks, mentions: approval.mention ? [approval.mention] : [] };
  }
  const outcome = outcomeLine(approval, opts);
  blocks.push({ type: 'markdown', text: outcome });
  return {
    text: `${outcome} (${approvalHandle(approval.id)}: ${shortLine(approval.question, 80)})`,
    blocks,
    mentions: [],
  };
}

/** `✔ Approve — by Alice · 14:02` or `✖ timed out after 300s · 14:05`. */
export function outcomeLine(approval: Approval, opts: ApprovalCardOptions = {}): string {
  if (approval.status === 'timed_out') {
    const seconds = approval.timeoutAt
      ? Math.round((Date.parse(approval.timeoutAt) - Date.parse(approval.createdAt)) / 1000)
      : null;
    const after = seconds !== null && Number.isFinite(seconds) ? ` after ${seconds}s` : '';
    const at = approval.timeoutAt ? ` · ${clockTime(Date.parse(approval.timeoutAt), opts.timeZone)}` : '';
    return `${GLYPHS.failed} timed out${after}${at}`;
  }
  const by = approval.answeredBy ? ` — by ${approval.answeredBy}` : '';
  const at = opts.answeredAtMs !== undefined ? ` · ${clockTime(opts.answeredAtMs, opts.timeZone)}` : '';
  return `${GLYPHS.completed} ${approval.answer ?? 'answered'}${by}${at}`;
}

function optionButtons(approval: Approval): Button[] {
  const primary = approval.options.findIndex((o) => !NEGATIVE.test(o.trim()));
  return approval.options.map((option, i) => ({
    action: 'approve',
    value: `${approvalHandle(approval.id)}:${i + 1}`,
    label: buttonLabel(option),
    style: NEGATIVE.test(option.trim()) ? 'danger' : i === primary ? 'primary' : 'default',
  }));
}

function peekButton(approval: Approval): Button {
  return { action: 'peek', value: agentButtonValue(approval.ea, approval.agent), label: 'Peek', style: 'default' };
}

/** `a3 · times out at 14:10` */
function openContext(approval: Approval, timeZone: string | undefined): string {
  const handle = approvalHandle(approval.id);
  if (!approval.timeoutAt) return handle;
  return `${handle} · times out at ${clockTime(Date.parse(approval.timeoutAt), timeZone)}`;
}

function projectName(state: Readonly<State>, approval: Approval): string | null {
  const agent = state.agents.find((a) => a.ea === approval.ea && a.name === approval.agent);
  const project = agent?.projectId != null ? state.projects.find((p) => p.id === agent.projectId) : undefined;
  return project?.name ?? null;
}
