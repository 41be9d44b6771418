// Ed25519 signing from an arbitrary-length secret, for MariaDB's
// `client_ed25519` authentication. Pure: no I/O, no state.
//
// MariaDB's plugin is ref10's crypto_sign with one change: the 32-byte seed
// is replaced by the whole password, so az = SHA-512(password) (RFC 8032
// §5.1.5 with the seed generalised to any length). Node's crypto only signs
// from a 32-byte seed, which is SHA-512-hashed the same way, so a password
// of any other length needs the point arithmetic below.
//
// The arithmetic runs the same sequence of field operations for every
// scalar (a Montgomery ladder with arithmetic conditional swaps, complete
// addition formulas, a fixed-exponent inversion). It is not constant-time:
// BigInt operations take time that depends on their operands. The secret is
// the proxy's own target password, signed once per target login; timing
// side channels against it are out of scope here.

import { createHash } from 'node:crypto';

/** The field prime 2^255 - 19. */
const P = 2n ** 255n - 19n;
/** The order of the base point. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The curve constant d = -121665/121666 (mod P). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const D2 = (2n * D) % P;
/** The base point B (RFC 8032 §5.1). */
const BASE_X = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
const BASE_Y = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;

/** A point in extended coordinates: x = X/Z, y = Y/Z, x·y = T/Z. */
interface Point {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

const IDENTITY: Point = { X: 0n, Y: 1n, Z: 1n, T: 0n };
const BASE: Point = { X: BASE_X, Y: BASE_Y, Z: 1n, T: (BASE_X * BASE_Y) % P };

function mod(value: bigint, modulus: bigint = P): bigint {
  const rest = value % modulus;
  return rest < 0n ? rest + modulus : rest;
}

/** value^exponent mod P by square-and-multiply over every bit of a fixed exponent. */
function power(value: bigint, exponent: bigint): bigint {
  let result = 1n;
  let square = mod(value);
  for (let bits = exponent; bits > 0n; bits >>= 1n) {
    if (bits & 1n) result = (result * square) % P;
    square = (square * square) % P;
  }
  return result;
}

/**
 * Unified addition on the twisted Edwards curve -x² + y² = 1 + d·x²·y²
 * (Hisil–Wong–Carter–Dawson 2008, "add-2008-hwcd-3" for a = -1). Complete:
 * also right for doubling and for the identity, so the ladder needs no branch.
 */
function add(left: Point, right: Point): Point {
  const a = ((left.Y - left.X) * (right.Y - right.X)) % P;
  const b = ((left.Y + left.X) * (right.Y + right.X)) % P;
  const c = (((left.T * D2) % P) * right.T) % P;
  const d = (2n * left.Z * right.Z) % P;
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

/** Swaps the two points when `bit` is 1, with the same operations either way. */
function conditionalSwap(bit: bigint, left: Point, right: Point): [Point, Point] {
  const swap = (l: bigint, r: bigint): [bigint, bigint] => {
    const delta = bit * (l - r);
    return [l - delta, r + delta];
  };
  const [lx, rx] = swap(left.X, right.X);
  const [ly, ry] = swap(left.Y, right.Y);
  const [lz, rz] = swap(left.Z, right.Z);
  const [lt, rt] = swap(left.T, right.T);
  return [
    { X: lx, Y: ly, Z: lz, T: lt },
    { X: rx, Y: ry, Z: rz, T: rt },
  ];
}

/** scalar·B by a Montgomery ladder over 256 bits (scalars here are < 2^255). */
function multiplyBase(scalar: bigint): Point {
  let low = IDENTITY;
  let high = BASE;
  for (let index = 255n; index >= 0n; index--) {
    const bit = (scalar >> index) & 1n;
    [low, high] = conditionalSwap(bit, low, high);
    high = add(low, high);
    low = add(low, low);
    [low, high] = conditionalSwap(bit, low, high);
  }
  return low;
}

/** RFC 8032 §5.1.2: y in 255 bits little-endian, the top bit holding x's parity. */
function encodePoint(point: Point): Buffer {
  const inverse = power(point.Z, P - 2n);
  const x = (point.X * inverse) % P;
  const y = (point.Y * inverse) % P;
  return encodeLittleEndian(y | ((x & 1n) << 255n));
}

function encodeLittleEndian(value: bigint): Buffer {
  const out = Buffer.alloc(32);
  let rest = value;
  for (let index = 0; index < 32; index++) {
    out[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function decodeLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(bytes[index]!);
  return value;
}

function sha512(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha512');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** az = SHA-512(secret); the first half, clamped, is the secret scalar a. */
function expandSecret(secret: Uint8Array): { scalar: bigint; prefix: Buffer } {
  const az = sha512(secret);
  const scalarBytes = Buffer.from(az.subarray(0, 32));
  scalarBytes[0]! &= 248;
  scalarBytes[31]! &= 63;
  scalarBytes[31]! |= 64;
  return { scalar: decodeLittleEndian(scalarBytes), prefix: az.subarray(32, 64) };
}

/** The 32-byte public key A = a·B for `secret` (what MariaDB stores for an ed25519 account, base64). */
export function ed25519PublicKey(secret: Uint8Array): Buffer {
  return encodePoint(multiplyBase(expandSecret(secret).scalar));
}

/**
 * The 64-byte Ed25519 signature R ‖ S of `message` under the key derived
 * from `secret` (any length; a 32-byte secret is a standard RFC 8032 seed).
 */
export function ed25519Sign(secret: Uint8Array, message: Uint8Array): Buffer {
  const { scalar, prefix } = expandSecret(secret);
  const publicKey = encodePoint(multiplyBase(scalar));
  const r = mod(decodeLittleEndian(sha512(prefix, message)), L);
  const encodedR = encodePoint(multiplyBase(r));
  const k = mod(decodeLittleEndian(sha512(encodedR, publicKey, message)), L);
  const s = mod(r + k * scalar, L);
  return Buffer.concat([encodedR, encodeLittleEndian(s)]);
}
