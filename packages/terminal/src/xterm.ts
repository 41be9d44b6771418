// @xterm/headless ships one CommonJS bundle whose named exports Node's ESM
// loader cannot detect (`import { Terminal }` fails at run time), and its
// typings are an ambient module without a default export (so TypeScript
// rejects `import xterm from`). Loading it through require() works the same
// under plain Node and under vitest, and keeps the types.
import { createRequire } from 'node:module';

import type { Terminal as XtermTerminal } from '@xterm/headless';

export type { IBuffer, IBufferLine, IMarker, Terminal as XtermTerminal } from '@xterm/headless';

const require = createRequire(import.meta.url);

export const XtermTerminalClass: typeof import('@xterm/headless').Terminal = (
  require('@xterm/headless') as typeof import('@xterm/headless')
).Terminal;

/**
 * xterm's own input handler: the parser behind `write()` and its CR and LF
 * steps. Not public API, so every use looks it up and has a fallback: absent
 * (a later @xterm/headless may move it), the extractor stays correct and is
 * only slower. The terminal package's tests check it is found in the version
 * installed.
 */
export interface XtermInputHandler {
  /** Parses output at once; returns a promise only when an async handler paused it (none is registered). */
  parse(data: Uint8Array): unknown;
  carriageReturn(): void;
  lineFeed(): void;
}

export function inputHandlerOf(terminal: XtermTerminal): XtermInputHandler | undefined {
  const handler = (terminal as unknown as { _core?: { _inputHandler?: Partial<XtermInputHandler> } })._core
    ?._inputHandler;
  if (
    typeof handler?.parse !== 'function' ||
    typeof handler.carriageReturn !== 'function' ||
    typeof handler.lineFeed !== 'function'
  )
    return undefined;
  return handler as XtermInputHandler;
}
