export { isTaplineError, TaplineError, type TaplineErrorOptions } from './errors.js';
export type { KeyWrapper, WrappedKey } from './key-wrapper.js';
