import { open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsyncs a directory so a rename or create inside it survives a power loss. */
export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True for the errors a full disk or an exhausted quota gives. */
export function isNoSpace(error: unknown): boolean {
  // Our own errors wrap the system error as `cause`; look a few levels down.
  let current = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'TAPLINE_ERR_SPOOL_FULL') return true;
    current = cause;
  }
  return false;
}

/** Session content is private by default: files 0600, directories 0700 (`fileMode`, `directoryMode`). */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Replaces `path` atomically: write a temp file, fsync it, rename over, fsync
 * the directory. A failed write removes its temp file, so a full disk does not
 * collect half-written leftovers.
 */
export async function writeFileAtomic(
  path: string,
  contents: string | Uint8Array,
  durable = true,
  mode: number = PRIVATE_FILE_MODE,
): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    if (durable) {
      const handle = await open(temporary, 'w', mode);
      try {
        await handle.writeFile(contents);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } else {
      await writeFile(temporary, contents, { mode });
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  if (durable) await fsyncDirectory(dirname(path));
}
