import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';

/**
 * Wraps a transport to notice when the client has listed the tools: a `tools/list`
 * request came in and its successful response went out. That moment is the agent's
 * readiness signal (docs/contracts.md §2, §7). Everything else passes through untouched.
 */
export function observeToolsList(inner: Transport, onListed: (toolNames: string[]) => void): Transport {
  const listRequests = new Set<string | number>();
  const outer: Transport = {
    async start() {
      inner.onmessage = (message: JSONRPCMessage, extra?: MessageExtraInfo) => {
        if ('method' in message && message.method === 'tools/list' && 'id' in message) listRequests.add(message.id);
        outer.onmessage?.(message, extra);
      };
      inner.onclose = () => outer.onclose?.();
      inner.onerror = (error: Error) => outer.onerror?.(error);
      await inner.start();
    },
    async send(message: JSONRPCMessage, options?: TransportSendOptions) {
      await inner.send(message, options);
      if (!('id' in message) || 'method' in message || message.id === undefined || !listRequests.delete(message.id))
        return;
      if ('result' in message) {
        const tools = (message.result as { tools?: Array<{ name?: unknown }> }).tools ?? [];
        onListed(tools.map((t) => t.name).filter((n): n is string => typeof n === 'string'));
      }
    },
    close: () => inner.close(),
    setProtocolVersion: (version: string) => inner.setProtocolVersion?.(version),
  };
  return outer;
}
