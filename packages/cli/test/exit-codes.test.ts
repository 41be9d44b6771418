import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/index.js';

describe('ExitCode', () => {
  it('resolves the deprecated camelCase spelling to the same status as the SCREAMING_CASE one', () => {
    expect(ExitCode).toMatchObject({ OK: 0, RECORDING: 1, USAGE: 2, IO: 3 });
    expect(ExitCode.ok).toBe(ExitCode.OK);
    expect(ExitCode.recording).toBe(ExitCode.RECORDING);
    expect(ExitCode.usage).toBe(ExitCode.USAGE);
    expect(ExitCode.io).toBe(ExitCode.IO);
  });
});
