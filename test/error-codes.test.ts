import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

describe('docs/errors.md', () => {
  it('lists every error code the packages raise', () => {
    const documented = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    const used = new Set<string>();
    for (const name of readdirSync(join(root, 'packages'))) {
      const src = join(root, 'packages', name, 'src');
      try {
        statSync(src);
      } catch {
        continue;
      }
      for (const file of sourceFiles(src)) {
        for (const match of readFileSync(file, 'utf8').matchAll(/'(TAPLINE_ERR_[A-Z0-9_]+)'/g))
          used.add(match[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(30);
    const expand = (code: string) => {
      // `TAPLINE_ERR_SINK_OPEN` / `_WRITE` rows document a family of codes.
      const family = /`(TAPLINE_ERR_[A-Z_]+?)_[A-Z]+` \/ ((?:`_[A-Z]+` ?\/? ?)+)/g;
      for (const row of documented.matchAll(family)) {
        const suffixes = row[2]!.match(/_[A-Z]+/g) ?? [];
        if (suffixes.some((suffix) => `${row[1]}${suffix}` === code)) return true;
      }
      return false;
    };
    const missing = [...used].filter((code) => !documented.includes(`\`${code}\``) && !expand(code));
    expect(missing).toEqual([]);
  });
});

/** The codes listed in one "## … (`@tapline/<package>`)" section of docs/errors.md. */
function documentedCodes(packageName: string): string[] {
  const documented = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const start = documented.indexOf(`(\`@tapline/${packageName}\`)`);
  const end = documented.indexOf('\n## ', start);
  const section = documented.slice(start, end === -1 ? undefined : end);
  const codes: string[] = [];
  for (const row of section.matchAll(/^\| (`TAPLINE_ERR_[^|]+)\|/gm)) {
    const [first, ...suffixes] = [...row[1]!.matchAll(/`(TAPLINE_ERR_[A-Z0-9_]+|_[A-Z]+)`/g)].map(
      (m) => m[1]!,
    );
    codes.push(first!, ...suffixes.map((suffix) => first!.replace(/_[A-Z]+$/, suffix)));
  }
  return codes;
}

/** A package's entry point, from its source (a computed path: vitest loads the .ts). */
const load = async (packageName: string): Promise<Record<string, unknown>> =>
  (await import(`../packages/${packageName}/src/index.ts`)) as Record<string, unknown>;

describe('<Package>ErrorCode objects (docs/conventions.md)', () => {
  const objects: Array<[string, string, string, string[]]> = [
    // package, export, the prefix its keys drop, codes it raises beyond its docs section
    ['frames', 'FramesErrorCode', 'TAPLINE_ERR_', []],
    ['core', 'CoreErrorCode', 'TAPLINE_ERR_', []],
    ['sftp', 'SftpErrorCode', 'TAPLINE_ERR_SFTP_', []],
    ['terminal', 'TerminalErrorCode', 'TAPLINE_ERR_TERMINAL_', []],
    [
      'sink-s3',
      'S3SinkErrorCode',
      'TAPLINE_ERR_',
      ['TAPLINE_ERR_SINK_PERMANENT', 'TAPLINE_ERR_SINK_ORDER', 'TAPLINE_ERR_SINK_CLOSED'],
    ],
    ['metadata-http', 'MetadataHttpErrorCode', 'TAPLINE_ERR_METADATA_', []],
    ['ssh', 'SshErrorCode', 'TAPLINE_ERR_SSH_', []],
    ['kube', 'KubeErrorCode', 'TAPLINE_ERR_KUBE_', []],
    ['cli', 'CliErrorCode', 'TAPLINE_ERR_', []],
  ];
  for (const [packageName, name, prefix, extra] of objects) {
    it(`${name} holds exactly the codes docs/errors.md lists for @tapline/${packageName}, keyed in SCREAMING_CASE`, async () => {
      const module = await load(packageName);
      const codes = module[name] as Record<string, string>;
      expect(codes, name).toBeDefined();
      const current = Object.entries(codes).filter(([key]) => /^[A-Z0-9_]+$/.test(key));
      for (const [key, code] of current) expect(code).toBe(`${prefix}${key}`);
      // camelCase keys are the deprecated aliases of the renamed objects: each is one of the codes.
      for (const [key, code] of Object.entries(codes)) {
        if (!/^[A-Z0-9_]+$/.test(key))
          expect(
            current.map(([, value]) => value),
            key,
          ).toContain(code);
      }
      expect(new Set(current.map(([, code]) => code))).toEqual(
        new Set([...documentedCodes(packageName), ...extra]),
      );
    });
  }

  it('the single code constants of @tapline/sink-s3 and @tapline/metadata-http are deprecated aliases of the same codes', async () => {
    const s3 = await load('sink-s3');
    const s3Codes = s3.S3SinkErrorCode as Record<string, string>;
    for (const key of Object.keys(s3Codes)) expect(s3[key], key).toBe(s3Codes[key]);
    const http = await load('metadata-http');
    const httpCodes = http.MetadataHttpErrorCode as Record<string, string>;
    for (const key of Object.keys(httpCodes)) expect(http[`METADATA_${key}`], key).toBe(httpCodes[key]);
  });
});
