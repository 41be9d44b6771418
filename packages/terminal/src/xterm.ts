// @xterm/headless ships one CommonJS bundle whose named exports Node's ESM
// loader cannot detect (`import { Terminal }` fails at run time), and its
// typings are an ambient module without a default export (so TypeScript
// rejects `import xterm from`). Loading it through require() works the same
// under plain Node and under vitest, and keeps the types.
import { createRequire } from 'node:module';

export type { IBuffer, IBufferLine, IMarker, Terminal as XtermTerminal } from '@xterm/headless';

const require = createRequire(import.meta.url);

export const XtermTerminalClass: typeof import('@xterm/headless').Terminal = (
  require('@xterm/headless') as typeof import('@xterm/headless')
).Terminal;
