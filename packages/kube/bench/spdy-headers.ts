// SPDY header decoding cost as a port-forward connection grows: one large
// header block (60 KB, or the 131 KB NUL bomb for the old way), then N small
// SYN_STREAMs. `SpdyParser` inflates each block once from a 32 KiB window;
// the control row re-inflates the whole compressed history per block, as the
// parser did before (capped here at --history-mib of inflated output so the
// control itself cannot take the process down).
// `pnpm exec tsx --conditions=source packages/kube/bench/spdy-headers.ts [--small=20] [--rounds=5]`
import { performance } from 'node:perf_hooks';
import { deflateSync, inflateSync, constants as zlibConstants } from 'node:zlib';
import { SpdyHeaderWriter, SpdyParser, spdyDictionary, spdySynStreamFrame } from '../src/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const smallCount = Number(args.small ?? 20);
const rounds = Number(args.rounds ?? 5);

/** A well-formed header block of one pair whose value is `length` NULs (the prober's 131 KB bomb once deflated). */
function nulHeaderBlock(length: number): Buffer {
  const block = Buffer.alloc(13 + length);
  block.writeUInt32BE(1, 0); // one name/value pair
  block.writeUInt32BE(1, 4);
  block.write('x', 8, 'latin1');
  block.writeUInt32BE(length, 9);
  return block;
}

function wire(): Buffer[] {
  const writer = new SpdyHeaderWriter();
  const frames = [
    spdySynStreamFrame(writer, 1, {
      streamtype: 'data',
      port: '80',
      requestid: '0',
      filler: '\0'.repeat(60_000),
    }),
  ];
  for (let i = 1; i <= smallCount; i++) {
    frames.push(
      spdySynStreamFrame(writer, 2 * i + 1, { streamtype: 'data', port: '80', requestid: String(i) }),
    );
  }
  return frames;
}

/** The old way: every block re-inflates the concatenated compressed history. Times the small blocks only. */
function reinflateHistory(frames: Buffer[]): { ms: number; inflated: number } {
  const history: Buffer[] = [];
  let inflated = 0;
  let start = 0;
  for (const [index, frame] of frames.entries()) {
    if (index === 1) start = performance.now();
    history.push(frame.subarray(18));
    inflated += inflateSync(Buffer.concat(history), {
      dictionary: spdyDictionary,
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    }).byteLength;
  }
  return { ms: performance.now() - start, inflated };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const frames = wire();
const parserMs: number[] = [];
const controlMs: number[] = [];
let parserBytes = 0;
let controlBytes = 0;
for (let round = 0; round < rounds; round++) {
  const parser = new SpdyParser();
  parser.parse(frames[0]!, () => {});
  const before = parser.inflatedHeaderBytes;
  const start = performance.now();
  for (const frame of frames.slice(1)) parser.parse(frame, () => {});
  parserMs.push(performance.now() - start);
  parserBytes = parser.inflatedHeaderBytes - before;
  const control = reinflateHistory(frames);
  controlMs.push(control.ms);
  controlBytes = control.inflated;
}

// The bomb: 131 KB of compressed NULs. The parser stops at its cap while inflating.
const bomb = deflateSync(nulHeaderBlock(135_000_000), {
  dictionary: spdyDictionary,
  level: 9,
  finishFlush: zlibConstants.Z_SYNC_FLUSH,
});
const bombFrame = Buffer.alloc(18 + bomb.byteLength);
bombFrame.writeUInt32BE(0x80030001, 0);
bombFrame.writeUInt32BE(10 + bomb.byteLength, 4);
bombFrame.writeUInt32BE(1, 8);
bomb.copy(bombFrame, 18);
const bombStart = performance.now();
let bombCode = '';
try {
  new SpdyParser().parse(bombFrame, () => {});
} catch (error) {
  bombCode = (error as { code?: string }).code ?? String(error);
}
const bombMs = performance.now() - bombStart;

console.log(`${smallCount} small SYN_STREAMs after a 60 KB one, median of ${rounds} (the small ones timed):`);
console.log(`  SpdyParser (window)        ${median(parserMs).toFixed(2)} ms, ${parserBytes} bytes inflated`);
console.log(
  `  control (re-inflate all)   ${median(controlMs).toFixed(2)} ms, ${controlBytes} bytes inflated in all`,
);
console.log(`131 KB NUL bomb (${bomb.byteLength} bytes): ${bombCode} after ${bombMs.toFixed(2)} ms`);
