// Finds Enter in the client's keystrokes, and how each line was produced
// (typed, pasted, recalled from history, completed). The command text always
// comes from the screen; the keystrokes' printable characters are kept only
// to find where a typed-ahead line starts on a row the shell echoed it on
// (the screen must show them), so input typed while echo is off (passwords)
// is never reported.

/** What one input byte means to the extractor. */
export enum InputByte {
  /** Part of a CR LF pair already counted, or nothing to act on. */
  None = 0,
  /** Any key other than Enter (printable, control, escape sequence, pasted text). */
  Key = 1,
  /** Enter: CR, or LF not preceded by CR, outside a bracketed paste. */
  Enter = 2,
  /** Ctrl-C outside a bracketed paste: the shell drops the line (and a pending multi-line command). */
  Interrupt = 3,
}

/** How the keys of the current line were produced (bits). */
export enum LineSource {
  Pasted = 1,
  Recalled = 2,
  Completed = 4,
}

// The last six bytes as one number (6 × 8 = 48 bits, exact in a double).
const PASTE_START = 0x1b5b_3230_307e; // ESC [ 2 0 0 ~
const PASTE_END = 0x1b5b_3230_317e; // ESC [ 2 0 1 ~
const KEEP = 2 ** 40;
/** Printable keys kept per line (a longer line is still found by its prompt). */
const MAX_KEPT_KEYS = 256;

enum Escape {
  None = 0,
  /** After ESC. */
  Start = 1,
  /** In a CSI sequence (ESC [ … final). */
  Csi = 2,
  /** After ESC O (one more byte: an application-mode cursor key). */
  Ss3 = 3,
}

const decoder = new TextDecoder();

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
  private escape = Escape.None;
  private csiHasParameters = false;
  /** LineSource bits of the line being typed. */
  private sources = 0;
  private readonly keys = new Uint8Array(MAX_KEPT_KEYS);
  private keyCount = 0;
  /** An editing key changed the line: the kept keys are not its text. */
  private edited = false;

  step(byte: number): InputByte {
    // Drop the oldest byte first so the product stays exact (below 2^53).
    this.window = (this.window % KEEP) * 256 + byte;
    if (byte === 0x7e) {
      if (this.window === PASTE_START) {
        this.inPaste = true;
        this.sources |= LineSource.Pasted;
        this.escape = Escape.None;
        // The paste start's own "ESC [ 2 0 0" were taken for a cursor sequence.
        return InputByte.Key;
      }
      if (this.window === PASTE_END) {
        this.inPaste = false;
        // Its "ESC [ 2 0 1" were kept as pasted text.
        this.keyCount = Math.max(0, this.keyCount - 5);
        this.escape = Escape.None;
        return InputByte.Key;
      }
    }
    const afterCr = this.afterCr;
    this.afterCr = byte === 0x0d;
    if (this.inPaste) {
      this.keep(byte === 0x0d ? 0x0a : byte);
      return InputByte.Key;
    }
    if (this.escape === Escape.Start && (byte === 0x0d || byte === 0x0a || byte === 0x03 || byte === 0x1b)) {
      // A lone ESC (vi mode: to command mode) then Enter, Ctrl-C or ESC again: the key
      // after it is its own, not an Alt chord (Alt-Enter is rare; ESC Enter in vi mode is not).
      this.escape = Escape.None;
      this.edited = true;
    }
    if (this.escape !== Escape.None) return this.stepEscape(byte);
    if (byte === 0x0d) return InputByte.Enter;
    if (byte === 0x0a) return afterCr ? InputByte.None : InputByte.Enter;
    if (byte === 0x1b) {
      // Nothing yet: the terminal's own reports start with ESC too.
      this.escape = Escape.Start;
      return InputByte.None;
    }
    if (byte === 0x03) return InputByte.Interrupt;
    if (byte >= 0x20 && byte !== 0x7f) this.keep(byte);
    else if (byte === 0x09) this.sources |= LineSource.Completed;
    else if (byte === 0x10 || byte === 0x0e || byte === 0x12 || byte === 0x13)
      this.sources |= LineSource.Recalled;
    else this.edited = true;
    return InputByte.Key;
  }

  /** Keys of a line not yet ended by Enter (typed ahead while a command ran, then shown by the shell at its prompt). */
  get lineHasKeys(): boolean {
    return this.keyCount > 0 || this.edited;
  }

  /** The sources of the line just ended by Enter (or Ctrl-C), and starts a new line. */
  takeSources(): number {
    const sources = this.sources;
    this.sources = 0;
    return sources;
  }

  /** The printable keys of the line being typed, or "" when they were edited (or too many); the line goes on. */
  peekKeys(): string {
    return this.edited || this.keyCount >= MAX_KEPT_KEYS
      ? ''
      : decoder.decode(this.keys.subarray(0, this.keyCount));
  }

  /** The printable keys of the line just ended, or "" when they were edited (or too many); starts a new line. */
  takeKeys(): string {
    const keys = this.peekKeys();
    this.keyCount = 0;
    this.edited = false;
    return keys;
  }

  private keep(byte: number): void {
    if (this.keyCount < MAX_KEPT_KEYS) this.keys[this.keyCount] = byte;
    this.keyCount++;
  }

  /**
   * A key once its sequence is complete. The reports a terminal sends by
   * itself (a cursor position `ESC [ row ; col R`, which busybox asks for
   * at every prompt; focus in and out) are not keys: they neither start a
   * line nor edit one.
   */
  private stepEscape(byte: number): InputByte {
    switch (this.escape) {
      case Escape.Start:
        if (byte === 0x5b) {
          this.escape = Escape.Csi;
          this.csiHasParameters = false;
          return InputByte.None;
        }
        if (byte === 0x4f) {
          this.escape = Escape.Ss3;
          return InputByte.None;
        }
        // Alt-key editing (Alt-B, Alt-F, Alt-D, ...) or a lone ESC (vi mode).
        this.escape = Escape.None;
        this.edited = true;
        return InputByte.Key;
      case Escape.Ss3:
        this.escape = Escape.None;
        this.cursorKey(byte, false);
        return InputByte.Key;
      default:
        if (byte < 0x40 || byte > 0x7e) {
          this.csiHasParameters = true;
          return InputByte.None;
        }
        this.escape = Escape.None;
        if (this.csiHasParameters ? byte === 0x52 : byte === 0x49 || byte === 0x4f) return InputByte.None;
        this.cursorKey(byte, this.csiHasParameters);
        return InputByte.Key;
    }
  }

  private cursorKey(final: number, hasParameters: boolean): void {
    // Up or Down without modifiers: history.
    if ((final === 0x41 || final === 0x42) && !hasParameters) this.sources |= LineSource.Recalled;
    this.edited = true;
  }
}
