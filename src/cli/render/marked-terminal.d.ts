// marked-terminal ships no types, and @types/marked-terminal pins an old marked,
// so we declare the little we use.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';

  export interface TerminalRendererOptions {
    width?: number;
    reflowText?: boolean;
    showSectionPrefix?: boolean;
    tab?: number | string;
    emoji?: boolean;
    unescape?: boolean;
    tableOptions?: Record<string, unknown>;
    [style: string]: unknown;
  }

  export function markedTerminal(
    options?: TerminalRendererOptions,
    highlightOptions?: Record<string, unknown>,
  ): MarkedExtension;
}
