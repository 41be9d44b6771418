/** A wrapped (encrypted) per-session data key and the id of the key that wrapped it. */
export interface WrappedKey {
  keyId: string;
  wrappedKey: Uint8Array;
}

/**
 * Wraps and unwraps per-session data keys with a key the integrator controls
 * (a local master key, AWS KMS, an HSM). Recordings store only the wrapped key.
 */
export interface KeyWrapper {
  /** Wraps a fresh 32-byte data key. */
  wrap(dataKey: Uint8Array): Promise<WrappedKey>;
  /** Returns the 32-byte data key; rejects if `keyId` is not one it can unwrap. */
  unwrap(wrapped: WrappedKey): Promise<Uint8Array>;
}
