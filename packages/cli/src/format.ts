/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** 450 → "450ms"; 62_500 → "1m 2.5s"; 3_723_000 → "1h 2m 3s". */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${Math.round(ms * 10) / 10}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100);
  const hours = Math.floor(tenths / 36_000);
  const minutes = Math.floor(tenths / 600) % 60;
  const seconds = (tenths % 600) / 10;
  if (hours > 0) return `${hours}h ${minutes}m ${Math.floor(seconds)}s`;
  return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`;
}

/** Offset since the session started, as "+MM:SS.mmm" (or "+H:MM:SS.mmm"). */
export function formatOffset(offsetNs: number): string {
  const totalMs = Math.floor(offsetNs / 1e6);
  const ms = totalMs % 1000;
  const totalSeconds = Math.floor(totalMs / 1000);
  const seconds = totalSeconds % 60;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const clock = `${pad(minutes)}:${pad(seconds)}.${pad(ms, 3)}`;
  return hours > 0 ? `+${hours}:${clock}` : `+${clock}`;
}

/**
 * Parses a time for `--from`: "90", "90s", "1m30s", "1h2m", "1500ms", "01:30",
 * "1:02:03.5". Returns nanoseconds, or undefined when it is not a time.
 */
export function parseTimeToNs(value: string): number | undefined {
  const trimmed = value.trim();
  const clock = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(trimmed);
  if (clock) {
    const seconds = Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    return Math.round(seconds * 1e9);
  }
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1e9);
  const units: Record<string, number> = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6 };
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) return undefined;
  return Math.round(parts.reduce((total, part) => total + Number(part[1]) * units[part[2]!]!, 0));
}

/** The farthest a JavaScript Date reaches either side of 1970, in ms. */
const MAX_DATE_MS = 8.64e15;

/**
 * Unix ms → ISO-8601 text. Times come from the recording, which is untrusted:
 * a value no Date can hold (a forged or broken file) is rendered as
 * `<out of range: N>` instead of throwing "Invalid time value", so inspect and
 * export go on and show the rest.
 */
export function formatUnixMs(unixMs: number): string {
  return Number.isFinite(unixMs) && Math.abs(unixMs) <= MAX_DATE_MS
    ? new Date(unixMs).toISOString()
    : `<out of range: ${unixMs}>`;
}
