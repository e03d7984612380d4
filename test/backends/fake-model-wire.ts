/**
 * Wire formats of the fake model server (docs/contracts.md §10): one reply — a tool
 * call or text — written as each API streams it.
 */
export type Reply =
  | { kind: 'call'; id: string; name: string; namespace?: string; args: Record<string, unknown> }
  | { kind: 'text'; text: string };

const sse = (event: string | null, data: unknown): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** Anthropic Messages: message_start, one content block (tool_use with input_json_delta in two pieces, or text), message_delta, message_stop. */
export function anthropicSse(reply: Reply, n: number, model: string | null): string[] {
  const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const out = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id: `msg_fake_${n}`,
        type: 'message',
        role: 'assistant',
        model: model ?? 'fake',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    }),
  ];
  if (reply.kind === 'call') {
    const args = JSON.stringify(reply.args);
    const cut = Math.floor(args.length / 2);
    out.push(
      sse('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: reply.id, name: reply.name, input: {} },
      }),
    );
    for (const piece of [args.slice(0, cut), args.slice(cut)]) {
      out.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: piece },
        }),
      );
    }
  } else {
    out.push(
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    );
    out.push(
      sse('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: reply.text },
      }),
    );
  }
  out.push(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
  out.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: reply.kind === 'call' ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    }),
  );
  out.push(sse('message_stop', { type: 'message_stop' }));
  return out;
}

/** OpenAI Responses (codex): created, in_progress, one output item (function_call with `namespace`, or message), completed. */
export function responsesSse(reply: Reply, n: number, model: string | null): string[] {
  let sequence = 0;
  const ev = (type: string, fields: Record<string, unknown>): string =>
    sse(type, { type, sequence_number: sequence++, ...fields });
  const response = {
    id: `resp_fake_${n}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: model ?? 'fake',
    output: [] as unknown[],
  };
  const out = [
    ev('response.created', { response: { ...response, status: 'in_progress' } }),
    ev('response.in_progress', { response: { ...response, status: 'in_progress' } }),
  ];
  let item: Record<string, unknown>;
  if (reply.kind === 'call') {
    const args = JSON.stringify(reply.args);
    const base = {
      type: 'function_call',
      id: `fc_fake_${n}`,
      call_id: reply.id,
      name: reply.name,
      ...(reply.namespace ? { namespace: reply.namespace } : {}),
    };
    item = { ...base, arguments: args, status: 'completed' };
    out.push(
      ev('response.output_item.added', { output_index: 0, item: { ...base, arguments: '', status: 'in_progress' } }),
    );
    out.push(ev('response.function_call_arguments.delta', { item_id: base.id, output_index: 0, delta: args }));
    out.push(ev('response.function_call_arguments.done', { item_id: base.id, output_index: 0, arguments: args }));
  } else {
    const id = `msg_fake_${n}`;
    const part = { type: 'output_text', text: reply.text, annotations: [] };
    item = { type: 'message', id, role: 'assistant', status: 'completed', content: [part] };
    out.push(
      ev('response.output_item.added', {
        output_index: 0,
        item: { type: 'message', id, role: 'assistant', status: 'in_progress', content: [] },
      }),
    );
    out.push(
      ev('response.content_part.added', {
        item_id: id,
        output_index: 0,
        content_index: 0,
        part: { ...part, text: '' },
      }),
    );
    out.push(ev('response.output_text.delta', { item_id: id, output_index: 0, content_index: 0, delta: reply.text }));
    out.push(ev('response.output_text.done', { item_id: id, output_index: 0, content_index: 0, text: reply.text }));
    out.push(ev('response.content_part.done', { item_id: id, output_index: 0, content_index: 0, part }));
  }
  out.push(ev('response.output_item.done', { output_index: 0, item }));
  const usage = {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 5,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 15,
  };
  out.push(ev('response.completed', { response: { ...response, status: 'completed', output: [item], usage } }));
  return out;
}

/** OpenAI Chat Completions (opencode): role chunk, tool_calls deltas or content, finish, usage chunk, [DONE]. */
export function chatSse(reply: Reply, n: number, model: string | null): string[] {
  const head = {
    id: `chatcmpl-fake-${n}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: model ?? 'fake',
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    sse(null, { ...head, choices: [{ index: 0, delta, finish_reason: finish }] });
  const out = [chunk({ role: 'assistant', content: '' })];
  if (reply.kind === 'call') {
    out.push(
      chunk({
        tool_calls: [{ index: 0, id: reply.id, type: 'function', function: { name: reply.name, arguments: '' } }],
      }),
    );
    out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(reply.args) } }] }));
    out.push(chunk({}, 'tool_calls'));
  } else {
    out.push(chunk({ content: reply.text }));
    out.push(chunk({}, 'stop'));
  }
  out.push(sse(null, { ...head, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }));
  out.push(sse(null, '[DONE]'));
  return out;
}

function geminiCandidate(reply: Reply, model: string): Record<string, unknown> {
  const part =
    reply.kind === 'call'
      ? { functionCall: { id: reply.id, name: reply.name, args: reply.args } }
      : { text: reply.text };
  return {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: model,
  };
}

/** Gemini streamGenerateContent?alt=sse: one chunk with the whole candidate. */
export function geminiSse(reply: Reply, model: string): string[] {
  return [sse(null, geminiCandidate(reply, model))];
}

/** Gemini generateContent (not streamed), e.g. the model router's JSON call. */
export function geminiJson(reply: Reply, model: string): Record<string, unknown> {
  return geminiCandidate(reply, model);
}
