import { describe, expect, it } from 'vitest';
import { operationsByName } from '#core/registry.js';
import { resultToMarkdown } from '#core/surface/result-markdown.js';

const render = (operation: string, result: unknown): string =>
  resultToMarkdown(operationsByName().get(operation)!, result);

/** What a person reads after a chat command, on the CLI or in chat. */
describe('chat results as markdown', () => {
  it('replies, approvals and projects say what happened in one line', () => {
    expect(render('chat_reply', { outbox_id: 'o3', conversation: 'c1' })).toBe(
      'Reply queued in c1 as **o3**; omar delivers it.',
    );
    expect(render('slack_reply', { outbox_id: 'o4', conversation: 'c2' })).toBe(
      'Reply queued in c2 as **o4**; omar delivers it.',
    );
    expect(render('request_approval', { approval_id: 'a1', conversation: 'c2' })).toBe(
      'Approval **a1** requested; its card is in c2.',
    );
    expect(render('request_approval', { approval_id: 'a1', conversation: null })).toBe(
      'Approval **a1** requested. No chat conversation is open: answer it with `omar approve a1 OPTION`.',
    );
    expect(render('answer_approval', { approval_id: 'a1', option: 'Deny', agent: 'w1' })).toBe(
      '**a1** answered: Deny — w1 is told.',
    );
    expect(render('add_project', { project_id: 2, name: 'api', conversation: 'c1' })).toBe(
      'Project **2** added: api — its chart goes to c1.',
    );
    expect(render('add_project', { project_id: 2, name: 'api' })).toBe('Project **2** added: api');
    expect(render('receive_chat_message', { conversation: 'c4', event_id: 'ev-9', opened: true })).toBe(
      'Handed to the EA in new conversation **c4** (event ev-9).',
    );
  });

  it('lists approvals with numbered options and their status', () => {
    const md = render('list_approvals', {
      approvals: [
        {
          id: 'a1',
          agent: 'w1',
          question: 'Restart?',
          options: ['Yes', 'No'],
          status: 'open',
          answer: null,
          answered_by: null,
          conversation: null,
          created_at: 't',
          timeout_at: null,
        },
        {
          id: 'a2',
          agent: 'ea',
          question: 'Deploy?',
          options: ['Approve', 'Deny'],
          status: 'answered',
          answer: 'Deny',
          answered_by: 'Alice',
          conversation: 'c1',
          created_at: 't',
          timeout_at: null,
        },
      ],
    });
    expect(md.split('\n')).toEqual([
      '| id | asked by | question | options | status |',
      '| --- | --- | --- | --- | --- |',
      '| a1 | w1 | Restart? | 1 Yes · 2 No | open |',
      '| a2 | ea | Deploy? | 1 Approve · 2 Deny | Deny — by Alice |',
    ]);
    expect(render('list_approvals', { approvals: [] })).toBe('_No approval is waiting for an answer._');
  });

  it('chat users: who may talk, and what deny leaves behind', () => {
    expect(render('allow_chat_user', { user: 'slack:U1', role: 'admin', was: 'viewer' })).toBe(
      '**slack:U1** may now use omar as admin (was viewer).',
    );
    expect(render('allow_chat_user', { user: 'slack:U1', role: 'viewer', was: null })).toBe(
      '**slack:U1** may now use omar as viewer.',
    );
    expect(render('deny_chat_user', { user: 'slack:U1', removed: 'operator', still: 'admin', through: ['env'] })).toBe(
      '**slack:U1** is off the allowlist (was operator). They are still admin through OMAR_CHAT_ADMINS: remove them there.',
    );
    expect(render('deny_chat_user', { user: 'slack:U1', removed: null, still: null, through: [] })).toBe(
      '**slack:U1** was not on the allowlist.',
    );
    expect(render('list_chat_users', { users: [] })).toContain('omar chat allow PLATFORM:ID --role operator');
  });

  it('outbox: failed items with their error; an empty list says whether anything is on the way', () => {
    const md = render('list_outbox', {
      items: [
        {
          id: 'o1',
          status: 'failed',
          kind: 'post',
          conversation: 'c1',
          author: 'w1',
          attempts: 3,
          last_error: 'channel_not_found',
          text: 'the report',
        },
      ],
      hidden: 0,
    });
    expect(md).toContain('| o1 | failed: channel_not_found | post | c1 | w1 | 3 | the report |');
    expect(render('list_outbox', { items: [], hidden: 2 })).toBe(
      '_No chat message failed; 2 still on the way (`omar outbox --all` shows them)._',
    );
    expect(render('list_outbox', { items: [], hidden: 0 })).toBe('_The outbox is empty: every chat message went out._');
    expect(render('retry_outbox', { outbox_id: 'o1', status: 'pending' })).toBe('**o1** is queued again.');
    expect(render('drop_outbox', { outbox_id: 'o1', was: 'failed' })).toBe(
      '**o1** dropped (it was failed); it will not be sent.',
    );
  });
});
