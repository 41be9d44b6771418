// Evaluated just after the generated schema (see schema.ts).
import $protobuf from 'protobufjs/minimal.js';
import { savedLong } from './long-off.js';

(($protobuf.util as { Long: unknown }).Long as unknown) = savedLong;
