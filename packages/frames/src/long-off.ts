// Evaluated just before the generated schema (see schema.ts): protobufjs must
// not see the `long` package while the generated prototypes are built.
import $protobuf from 'protobufjs/minimal.js';

const util = $protobuf.util as { Long: unknown };
export const savedLong: unknown = util.Long;
util.Long = null;
