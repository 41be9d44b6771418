// The shell line gate on its own: which bytes reach the target, in what
// order, and what a denial sends instead of the Enter.
import type { ResolvedPolicyDecision } from '@tapline/core';
import type { PendingCommandLine } from '@tapline/terminal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShellLineGate } from '../src/shell-gate.js';

interface Harness {
  gate: ShellLineGate;
  sent: Buffer[];
  toClient: string[];
  checked: string[];
  denied: string[];
  paused: () => boolean;
  /** Resolves when the gate holds nothing and its client is running. */
  settled(): Promise<void>;
}

/** A gate over a line view that echoes exactly what reached the target since the last Enter. */
function harness(deny: RegExp | undefined, view?: () => PendingCommandLine | undefined): Harness {
  const sent: Buffer[] = [];
  const toClient: string[] = [];
  const checked: string[] = [];
  const denied: string[] = [];
  let paused = false;
  let line = '';
  const gate = new ShellLineGate({
    pendingLine: async () => (view === undefined ? { reading: true, text: line, keys: line } : view()),
    readWaitMs: 1000,
    check: (action) => {
      checked.push(action.command ?? '');
      return deny?.test(action.command ?? '')
        ? { allow: false, message: 'no' }
        : { allow: true, message: '' };
    },
    uncheckable: () => ({ allow: false, message: 'unreadable' }),
    onDenied: (command) => denied.push(command),
    io: {
      toTarget: (chunk) => {
        sent.push(Buffer.from(chunk));
        for (const byte of chunk) {
          if (byte === 0x0d || byte === 0x15) line = '';
          else if (byte >= 0x20) line += String.fromCharCode(byte);
        }
        gate.targetOutput();
      },
      toClient: (text) => toClient.push(text),
      pauseClient: () => {
        paused = true;
      },
      resumeClient: () => {
        paused = false;
      },
    },
  });
  return {
    gate,
    sent,
    toClient,
    checked,
    denied,
    paused: () => paused,
    async settled() {
      for (let i = 0; i < 500 && paused; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(paused).toBe(false);
    },
  };
}

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('ShellLineGate', () => {
  it('lets an allowed line through byte for byte, CR LF as one Enter', async () => {
    const h = harness(/rm -rf/);
    h.gate.fromClient(bytes('ls -l\r\nwhoami\r'));
    await h.settled();
    expect(Buffer.concat(h.sent).toString('latin1')).toBe('ls -l\r\nwhoami\r');
    expect(h.checked).toEqual(['ls -l', 'whoami']);
  });

  it('a denied line: its Enter is replaced by Ctrl-E Ctrl-U and a fresh Enter; the user is told; what follows goes on', async () => {
    const h = harness(/rm -rf/);
    h.gate.fromClient(bytes('rm -rf /srv\r\necho next\r'));
    await h.settled();
    expect(Buffer.concat(h.sent).toString('latin1')).toBe('rm -rf /srv\x05\x15\recho next\r');
    expect(h.denied).toEqual(['rm -rf /srv']);
    expect(h.toClient.join('')).toContain('tapline: denied by policy: no');
  });

  it('CR inside a bracketed paste is text; the Enter after the paste decides the whole of it', async () => {
    const h = harness(/rm -rf/, undefined);
    h.gate.fromClient(bytes('\x1b[200~echo a\rrm -rf x\r\x1b[201~'));
    expect(h.paused()).toBe(false);
    expect(h.checked).toEqual([]);
    h.gate.fromClient(bytes('\r'));
    await h.settled();
    expect(h.checked.length).toBe(1);
  });

  it('a line typed while a command runs is checked by its keys; a denial sends Ctrl-U only', async () => {
    const h = harness(/rm -rf/, () => ({ reading: false, text: '', keys: 'rm -rf /srv' }));
    h.gate.fromClient(bytes('rm -rf /srv\r'));
    await h.settled();
    expect(Buffer.concat(h.sent).toString('latin1')).toBe('rm -rf /srv\x15');
    expect(h.denied).toEqual(['rm -rf /srv']);
  });

  it('inside a full-screen program nothing is asked', async () => {
    const h = harness(/./, () => undefined);
    h.gate.fromClient(bytes(':wq\r'));
    await h.settled();
    expect(Buffer.concat(h.sent).toString('latin1')).toBe(':wq\r');
    expect(h.checked).toEqual([]);
  });

  it('bytes arriving while a line is decided wait behind it, in order', async () => {
    let release: (() => void) | undefined;
    const sent: string[] = [];
    const gate = new ShellLineGate({
      pendingLine: async () => ({ reading: true, text: 'a', keys: 'a' }),
      readWaitMs: 1000,
      check: () =>
        new Promise<ResolvedPolicyDecision>((resolve) => {
          release = () => resolve({ allow: true, message: '' });
        }),
      uncheckable: () => ({ allow: false, message: '' }),
      onDenied: () => {},
      io: {
        toTarget: (chunk) => sent.push(chunk.toString('latin1')),
        toClient: () => {},
        pauseClient: () => {},
        resumeClient: () => {},
      },
    });
    gate.fromClient(bytes('a\r'));
    gate.fromClient(bytes('bc'));
    gate.fromClient(bytes('d'));
    for (let i = 0; i < 100 && release === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sent.join('')).toBe('a');
    release!();
    for (let i = 0; i < 100 && sent.join('') !== 'a\rbcd'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sent.join('')).toBe('a\rbcd');
  });

  it('a line the analyzer cannot read in time is decided by onPolicyError (uncheckable)', async () => {
    const sent: string[] = [];
    const gate = new ShellLineGate({
      pendingLine: () => new Promise(() => {}),
      // The policy's timeout (policyTimeoutMs) bounds the wait for the analyzer too.
      readWaitMs: 100,
      check: () => ({ allow: true, message: '' }),
      uncheckable: (_action, reason) => ({ allow: false, message: reason }),
      onDenied: () => {},
      io: {
        toTarget: (chunk) => sent.push(chunk.toString('latin1')),
        toClient: (text) => sent.push(`client:${text.trim()}`),
        pauseClient: () => {},
        resumeClient: () => {},
      },
    });
    gate.fromClient(bytes('x\r'));
    for (let i = 0; i < 300 && sent.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([
      'x',
      '\x15',
      'client:tapline: denied by policy: the terminal analyzer did not read the line in time',
    ]);
  });

  it('after close() nothing more reaches the target', async () => {
    const h = harness(undefined);
    h.gate.fromClient(bytes('ab\rcd'));
    h.gate.close();
    h.gate.fromClient(bytes('ef'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(h.sent).toString('latin1')).toBe('ab');
  });

  it('property: with everything allowed, any input split anywhere reaches the target unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom('a', ' ', '\r', '\n', '\r\n', '\x1b[200~', '\x1b[201~', '\x1b', '\x03', 'é'),
          {
            maxLength: 30,
          },
        ),
        fc.array(fc.nat(40), { maxLength: 6 }),
        async (pieces, cuts) => {
          const input = bytes(pieces.join(''));
          const h = harness(undefined);
          const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((a, b) => a - b);
          let from = 0;
          for (const point of [...points, input.length]) {
            if (point > from) h.gate.fromClient(input.subarray(from, point));
            from = Math.max(from, point);
          }
          await h.settled();
          for (let i = 0; i < 200 && Buffer.concat(h.sent).length < input.length; i++)
            await new Promise((r) => setTimeout(r, 2));
          expect(Buffer.concat(h.sent).equals(input)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
