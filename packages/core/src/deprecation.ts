// Renamed options keep working for one minor version (docs/conventions.md):
// the old name is read, and the process is told once which name replaces it.
const warned = new Set<string>();

/**
 * Emits a one-time `DeprecationWarning` with code `TAPLINE_DEP_<NAME>` for an
 * option or API that was renamed, naming its replacement.
 */
export function warnDeprecated(oldName: string, replacement: string): void {
  const code = `TAPLINE_DEP_${oldName
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase()}`;
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(`${oldName} is deprecated: use ${replacement} (docs/conventions.md)`, {
    type: 'DeprecationWarning',
    code,
  });
}

/**
 * Reads an option that was renamed: the new name wins; the old one is used,
 * with a one-time warning, when only it is given.
 */
export function renamedOption<T>(
  current: T | undefined,
  legacy: T | undefined,
  oldName: string,
  newName: string,
): T | undefined {
  if (current !== undefined || legacy === undefined) return current;
  warnDeprecated(oldName, newName);
  return legacy;
}
