// ssh2 is CommonJS whose named exports Node's ESM loader cannot see: load it with require.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

const require = createRequire(import.meta.url);
export const ssh2: typeof Ssh2 = require('ssh2');
