// Finds Enter in the client's keystrokes. Nothing else is taken from the
// keystrokes: the command text always comes from the screen, so input typed
// while echo is off (passwords) is never read.

/** What one input byte means to the extractor. */
export enum InputByte {
  /** Part of a CR LF pair already counted, or nothing to act on. */
  None = 0,
  /** Any key other than Enter (printable, control, escape sequence, pasted text). */
  Key = 1,
  /** Enter: CR, or LF not preceded by CR, outside a bracketed paste. */
  Enter = 2,
}

// The last six bytes as one number (6 × 8 = 48 bits, exact in a double).
const PASTE_START = 0x1b5b_3230_307e; // ESC [ 2 0 0 ~
const PASTE_END = 0x1b5b_3230_317e; // ESC [ 2 0 1 ~
const KEEP = 2 ** 40;

/**
 * A byte-at-a-time state machine, so the same keystrokes split anywhere give
 * the same answers. Inside a bracketed paste (the terminal wraps pasted text
 * in ESC[200~ … ESC[201~ when the shell asked for it), CR and LF are text,
 * not Enter.
 */
export class InputScanner {
  private window = 0;
  private afterCr = false;
  private inPaste = false;

  step(byte: number): InputByte {
    // Drop the oldest byte first so the product stays exact (below 2^53).
    this.window = (this.window % KEEP) * 256 + byte;
    if (byte === 0x7e) {
      if (this.window === PASTE_START) this.inPaste = true;
      else if (this.window === PASTE_END) this.inPaste = false;
    }
    const afterCr = this.afterCr;
    this.afterCr = byte === 0x0d;
    if (this.inPaste) return InputByte.Key;
    if (byte === 0x0d) return InputByte.Enter;
    if (byte === 0x0a) return afterCr ? InputByte.None : InputByte.Enter;
    return InputByte.Key;
  }
}
