import { open, rename, writeFile } from 'node:fs/promises';
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

/** Replaces `path` atomically: write a temp file, fsync it, rename over, fsync the directory. */
export async function writeFileAtomic(
  path: string,
  contents: string | Uint8Array,
  durable = true,
): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  if (durable) {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } else {
    await writeFile(temporary, contents);
  }
  await rename(temporary, path);
  if (durable) await fsyncDirectory(dirname(path));
}
