// The generated schema, with 64-bit integers as plain numbers whatever the
// environment. protobufjs decodes uint64 as a `Long` whenever the `long`
// package can be required (in Node it can; under some bundlers it cannot), and
// the generated prototypes default 64-bit fields to Long(0) then. Tapline
// types them as numbers (exact to 2^53: ~104 days of nanoseconds), so:
// - the generated module is evaluated between long-off and long-restore (ES
//   modules evaluate in import order), giving numeric defaults; util.Long is
//   restored at once, so other protobufjs users in the process are unaffected;
// - decoding goes through NumberReader, which turns any Long into a number.
import './long-off.js';
import { tapline } from './generated/frame.js';
import './long-restore.js';
import $protobuf from 'protobufjs/minimal.js';

export { tapline };

/** A protobufjs BufferReader whose 64-bit reads return numbers. */
export class NumberReader extends $protobuf.BufferReader {}

const base = $protobuf.BufferReader.prototype as unknown as Record<string, (this: unknown) => unknown>;
const patched = NumberReader.prototype as unknown as Record<string, (this: unknown) => unknown>;
for (const name of ['uint64', 'int64', 'sint64', 'fixed64', 'sfixed64']) {
  const read = base[name]!;
  patched[name] = function readAsNumber(this: unknown): unknown {
    const value = read.call(this) as number | { toNumber(): number };
    return typeof value === 'number' ? value : value.toNumber();
  };
}

export function readerFor(bytes: Uint8Array): NumberReader {
  return new NumberReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
