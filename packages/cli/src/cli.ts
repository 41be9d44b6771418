import { createRequire } from 'node:module';
import { isTaplineError, type KeyWrapper } from '@tapline/frames';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { writeAsciicast } from './asciicast.js';
import { describeError, ExitCode, type ExitCodeValue, exitCodeFor, usageError } from './errors.js';
import { formatBytes, formatOffset, parseTimeToNs } from './format.js';
import { type InspectReport, inspectRecording } from './inspect.js';
import { writeJsonl } from './jsonl.js';
import { loadLocalKeyWrapper, loadPublicKey } from './keys.js';
import { fileOutput, type Output, OutputClosed, streamOutput } from './output.js';
import { findStream, play } from './play.js';
import { counted, createProgress, type Progress } from './progress.js';
import { loadPublished, type PublishedEvidence } from './published.js';
import { readRecordingFrames } from './read.js';
import { renderHeader, renderSummaryLine, renderTimeline } from './render.js';
import { openLocation, openSource, type RecordingSource, type SourceOptions } from './source.js';
import { type VerifyResult, verifySource } from './verify.js';
import { followWatchedSession, listWatchedSessions, renderSessionList } from './watch.js';
import { followSpoolSession, listSpoolSessions } from './watch-spool.js';

/** Where the command reads its environment and writes its output. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env?: Record<string, string | undefined>;
}

interface SourceFlags {
  keyFile?: string;
  keyId?: string;
  manifest?: string;
  endpoint?: string;
  pathStyle?: boolean;
  region?: string;
  progress?: boolean;
}

const version: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a number above 0');
  return number;
}

function streamNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError('must be a stream id (an integer)');
  return number;
}

function timeOption(value: string): number {
  const ns = parseTimeToNs(value);
  if (ns === undefined) throw new InvalidArgumentError('must be a time: 90, 90s, 1m30s, 01:30 or 1:02:03.5');
  return ns;
}

/** Options every command that reads recordings takes. */
function withSourceOptions(command: Command): Command {
  return command
    .option(
      '--key-file <path>',
      'local master key (32 raw bytes or 64 hex digits) to read encrypted recordings',
    )
    .option('--key-id <id>', 'the key id the master key must have (default: whatever the recording names)')
    .option(
      '--endpoint <url>',
      'S3 endpoint for s3:// locations (MinIO, Ceph, ...; default: AWS, or $AWS_ENDPOINT_URL_S3 / $AWS_ENDPOINT_URL)',
    )
    .option('--path-style', 'S3 path-style addressing (default with --endpoint)')
    .option('--no-path-style', 'S3 virtual-hosted addressing even with --endpoint')
    .option('--region <region>', 'S3 region (default: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1)')
    .option('--progress', 'show a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never show a progress bar');
}

/**
 * Runs the `tapline` command line (arguments without `node` and the script)
 * and resolves to its exit status. Never throws and never calls process.exit.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  let exitCode: ExitCodeValue = ExitCode.OK;
  const stdout = streamOutput(io.stdout);
  const warn = (line: string) => io.stderr.write(`tapline: ${line}\n`);

  const sourceOptions = (flags: SourceFlags): SourceOptions => {
    const endpoint = flags.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
    const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    return {
      s3: {
        ...(endpoint ? { endpoint } : {}),
        ...(flags.pathStyle !== undefined ? { forcePathStyle: flags.pathStyle } : {}),
        ...(region ? { region } : {}),
      },
      ...(flags.manifest ? { manifestPath: flags.manifest } : {}),
    };
  };
  const keyWrapperFor = async (flags: SourceFlags): Promise<KeyWrapper | undefined> => {
    if (flags.keyId !== undefined && flags.keyFile === undefined)
      throw usageError('--key-id needs --key-file');
    return flags.keyFile === undefined ? undefined : loadLocalKeyWrapper(flags.keyFile, flags.keyId);
  };
  const progressFor = (flags: SourceFlags, source: RecordingSource, label: string): Progress => {
    const enabled = flags.progress ?? io.stderr.isTTY === true;
    return createProgress(enabled ? io.stderr : undefined, label, source.size);
  };
  const openOutput = (path: string | undefined): Output =>
    path === undefined || path === '-' ? stdout : fileOutput(path);

  const program = new Command('tapline')
    .description('Inspect, verify, export and replay Tapline session recordings.')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(tapline <command> --help for usage)')
    .addHelpText(
      'after',
      `
Locations: a recording file (<session id>.tapline, with its .tapline.json manifest
beside it), a directory of them, or s3://bucket/key and s3://bucket/prefix/.

Exit status: 0 ok; 1 a recording is damaged, incomplete (verify), badly signed or
unreadable with the keys given; 2 usage error; 3 I/O error.`,
    );

  withSourceOptions(
    program
      .command('inspect')
      .description('show who, what and when: the session header and a timeline of its actions')
      .argument('<location>', 'a recording, a directory of recordings, or an s3:// URL or prefix')
      .option('--json', 'machine-readable output (a directory gives an array of summaries)')
      .option('--resizes', 'list terminal resizes in the timeline')
      .option('--manifest <path>', 'the manifest to use instead of <recording>.json'),
  ).action(async (location: string, flags: SourceFlags & { json?: boolean; resizes?: boolean }) => {
    const keyWrapper = await keyWrapperFor(flags);
    const opened = await openLocation(location, sourceOptions(flags));
    const inspectOne = async (source: RecordingSource, timeline: boolean): Promise<InspectReport> => {
      let manifest: Awaited<ReturnType<RecordingSource['manifest']>>;
      try {
        manifest = await source.manifest();
      } catch (error) {
        // A manifest that is not one is worth a warning; failing to reach the storage is not survivable.
        if (!isTaplineError(error, 'TAPLINE_ERR_CLI_MANIFEST')) throw error;
        warn(`${source.location}: ${describeError(error)}`);
      }
      const progress = progressFor(flags, source, 'reading');
      try {
        return await inspectRecording(source.location, counted(source.bytes(), progress), {
          ...(keyWrapper ? { keyWrapper } : {}),
          manifest,
          timeline,
        });
      } finally {
        progress.done();
      }
    };
    if (!opened.collection) {
      const report = await inspectOne(opened.sources[0]!, true);
      if (flags.json) await stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        await stdout.write(`${renderHeader(report)}\n\nTimeline\n`);
        const timeline = renderTimeline(report, { resizes: flags.resizes ?? false });
        await stdout.write(timeline ? `${timeline}\n` : '  (no events)\n');
      }
      const error = report.recording.error;
      if (error && error.code !== 'TAPLINE_ERR_INCOMPLETE') {
        warn(`${location}: segment ${error.segmentIndex}: ${error.code}: ${error.message}`);
        if (error.code === 'TAPLINE_ERR_KEY_REQUIRED') warn('the recording is encrypted: pass --key-file');
        exitCode = ExitCode.RECORDING;
      }
      return;
    }
    const reports: InspectReport[] = [];
    for (const source of opened.sources) {
      try {
        const report = await inspectOne(source, false);
        reports.push(report);
        const error = report.recording.error;
        if (error && error.code !== 'TAPLINE_ERR_INCOMPLETE' && exitCode === ExitCode.OK) {
          exitCode = ExitCode.RECORDING;
        }
      } catch (error) {
        warn(`${source.location}: ${describeError(error)}`);
        exitCode = ExitCode.IO;
      }
    }
    reports.sort(
      (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.location.localeCompare(b.location),
    );
    if (flags.json) {
      const summaries = reports.map(({ timeline, timelineOmitted, ...summary }) => summary);
      await stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    } else {
      for (const report of reports) await stdout.write(`${renderSummaryLine(report)}\n`);
      if (reports.length === 0) warn(`no recordings (*.tapline) in ${location}`);
    }
  });

  withSourceOptions(
    program
      .command('verify')
      .description(
        'check integrity (hashes, chain, end marker) and, with a public key, the Ed25519 signature',
      )
      .argument('<locations...>', 'recordings, directories of recordings, or s3:// URLs or prefixes')
      .option(
        '--public-key <pem>',
        'Ed25519 public key (PEM): check each signature; a missing signature or manifest fails',
      )
      .option('--require-signature', 'kept for compatibility: --public-key already requires a signature')
      .option('--strict', 'fail legacy (v1) signatures instead of accepting them as legacy')
      .option('--session <id>', 'the session id the recording must belong to (rejects substitution)')
      .option(
        '--against <events>',
        'metadata events (JSON Lines file or http(s) URL): the recording must hold every published chain head',
      )
      .option('--manifest <path>', 'the manifest to use instead of <recording>.json (one recording only)')
      .option('--json', 'machine-readable output: an array of results'),
  ).action(
    async (
      locations: string[],
      flags: SourceFlags & {
        publicKey?: string;
        requireSignature?: boolean;
        strict?: boolean;
        session?: string;
        against?: string;
        json?: boolean;
      },
    ) => {
      if (flags.requireSignature && !flags.publicKey)
        throw usageError('--require-signature needs --public-key');
      if (flags.strict && !flags.publicKey) throw usageError('--strict needs --public-key');
      if (flags.session !== undefined && !SESSION_ID.test(flags.session))
        throw usageError(`--session ${flags.session} is not a session id (a UUID)`);
      let published: PublishedEvidence | undefined;
      if (flags.against !== undefined) {
        published = await loadPublished(flags.against);
        if (published.malformed > 0)
          warn(`${flags.against}: ${published.malformed} lines are not metadata events (skipped)`);
      }
      const keyWrapper = await keyWrapperFor(flags);
      const publicKey = flags.publicKey ? await loadPublicKey(flags.publicKey) : undefined;
      const sources: RecordingSource[] = [];
      for (const location of locations) {
        try {
          const opened = await openLocation(location, sourceOptions(flags));
          if (opened.collection && opened.sources.length === 0)
            warn(`no recordings (*.tapline) in ${location}`);
          sources.push(...opened.sources);
        } catch (error) {
          if (exitCodeFor(error) !== ExitCode.IO) throw error;
          warn(`${location}: ${describeError(error)}`);
          exitCode = ExitCode.IO;
        }
      }
      const results: VerifyResult[] = [];
      for (const source of sources) {
        const progress = progressFor(flags, source, 'verifying');
        let result: VerifyResult;
        try {
          result = await verifySource(source, {
            ...(keyWrapper ? { keyWrapper } : {}),
            ...(publicKey ? { publicKey } : {}),
            requireSignature: flags.requireSignature ?? false,
            strict: flags.strict ?? false,
            ...(flags.session !== undefined ? { sessionId: flags.session.toLowerCase() } : {}),
            ...(published ? { published } : {}),
            wrap: (bytes) => counted(bytes, progress),
          });
        } catch (error) {
          warn(`${source.location}: ${describeError(error)}`);
          exitCode = ExitCode.IO;
          continue;
        } finally {
          progress.done();
        }
        results.push(result);
        if (!result.ok && exitCode === ExitCode.OK) exitCode = ExitCode.RECORDING;
        if (!flags.json) await stdout.write(`${renderVerifyLine(result)}\n`);
      }
      if (flags.json) await stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    },
  );

  withSourceOptions(
    program
      .command('export')
      .description('write a recording as asciicast v2 (terminal replay) or JSON Lines (SIEMs)')
      .argument('<location>', 'a recording (file or s3:// URL)')
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['asciicast', 'jsonl'])
          .makeOptionMandatory(),
      )
      .option('-o, --output <path>', 'write here instead of stdout')
      .option(
        '--stream <id>',
        'asciicast: the stream to export (default: the first terminal stream)',
        streamNumber,
      )
      .option('--input', 'asciicast: include keystrokes as "i" events')
      .option('--idle-limit <seconds>', 'asciicast: idle_time_limit for players', positiveNumber)
      .option('--include-data', 'jsonl: also write Data frames, bytes as base64'),
  ).action(
    async (
      location: string,
      flags: SourceFlags & {
        format: 'asciicast' | 'jsonl';
        output?: string;
        stream?: number;
        input?: boolean;
        idleLimit?: number;
        includeData?: boolean;
      },
    ) => {
      const keyWrapper = await keyWrapperFor(flags);
      const source = await openSource(location, sourceOptions(flags));
      const output = openOutput(flags.output);
      const progress = progressFor(flags, source, 'exporting');
      const pass = readRecordingFrames(counted(source.bytes(), progress), keyWrapper ? { keyWrapper } : {});
      const write = (line: string) => output.write(line);
      try {
        if (flags.format === 'asciicast') {
          await writeAsciicast(pass.frames, write, {
            ...(flags.stream !== undefined ? { streamId: flags.stream } : {}),
            input: flags.input ?? false,
            ...(flags.idleLimit !== undefined ? { idleTimeLimit: flags.idleLimit } : {}),
          });
        } else {
          await writeJsonl(pass.frames, write, { includeData: flags.includeData ?? false });
        }
      } finally {
        progress.done();
        await output.close();
      }
      const error = pass.state.error;
      if (error && error.code !== 'TAPLINE_ERR_INCOMPLETE') {
        warn(`${location}: stopped at segment ${error.segmentIndex}: ${error.code}: ${error.message}`);
        exitCode = ExitCode.RECORDING;
      }
    },
  );

  withSourceOptions(
    program
      .command('play')
      .description('replay a terminal stream to stdout with its recorded timing')
      .argument('<location>', 'a recording (file or s3:// URL)')
      .option('--speed <factor>', 'playback speed (2 = twice as fast)', positiveNumber, 1)
      .option('--idle-limit <seconds>', 'cap every pause at this many seconds', positiveNumber)
      .option('--from <time>', 'start here, time since the session start (90, 1m30s, 01:30)', timeOption)
      .option('--stream <id>', 'the stream to play (default: the first terminal stream)', streamNumber)
      .option('-v, --verbose', 'say on stderr which stream plays and how many segments were skipped'),
  ).action(
    async (
      location: string,
      flags: SourceFlags & {
        speed: number;
        idleLimit?: number;
        from?: number;
        stream?: number;
        verbose?: boolean;
      },
    ) => {
      const keyWrapper = await keyWrapperFor(flags);
      const source = await openSource(location, sourceOptions(flags));
      const base = keyWrapper ? { keyWrapper } : {};
      const stream = await findStream(readRecordingFrames(source.bytes(), base).frames, flags.stream);
      const pass = readRecordingFrames(
        source.bytes(),
        flags.from !== undefined ? { ...base, fromOffsetNs: flags.from } : base,
      );
      const result = await play(pass.frames, stream, (bytes) => stdout.write(bytes), {
        speed: flags.speed,
        ...(flags.idleLimit !== undefined ? { idleLimitSeconds: flags.idleLimit } : {}),
        ...(flags.from !== undefined ? { fromOffsetNs: flags.from } : {}),
      });
      if (flags.verbose) {
        warn(
          `played stream ${stream.streamId} from ${formatOffset(flags.from ?? 0)}: ${formatBytes(result.bytes)} in ${result.chunks} chunks; ` +
            `${pass.state.skippedSegments} of ${pass.state.segments} segments skipped undecoded`,
        );
      }
      const error = pass.state.error;
      if (error && error.code !== 'TAPLINE_ERR_INCOMPLETE') {
        warn(`${location}: stopped at segment ${error.segmentIndex}: ${error.code}: ${error.message}`);
        exitCode = ExitCode.RECORDING;
      }
    },
  );

  program
    .command('watch')
    .description(
      "list a running connector's live sessions, or follow one read-only as it happens (its watch socket, or its spool)",
    )
    .argument('[session]', 'the session id to follow (default: list the live sessions)')
    .addOption(
      new Option('--socket <path>', "the connector's watch socket (its --watch-socket)").env(
        'TAPLINE_WATCH_SOCKET',
      ),
    )
    .option(
      '--from-spool <dir>',
      "read the recorder's spool directory instead (no socket needed; lags by up to a segment)",
    )
    .option('--key-file <path>', '--from-spool: the local master key of encrypted recordings')
    .option('--key-id <id>', '--from-spool: the key id the master key must have')
    .action(
      async (
        sessionId: string | undefined,
        flags: { socket?: string; fromSpool?: string; keyFile?: string; keyId?: string },
      ) => {
        const write = (bytes: Uint8Array | string) => stdout.write(bytes);
        const note = (text: string) => io.stderr.write(text);
        if (flags.fromSpool !== undefined) {
          if (flags.socket) throw usageError('--socket and --from-spool: give one');
          if (sessionId === undefined) {
            stdout.write(renderSessionList(await listSpoolSessions(flags.fromSpool)));
            return;
          }
          const keyWrapper = await keyWrapperFor(flags);
          await followSpoolSession(flags.fromSpool, sessionId, {
            write,
            note,
            ...(keyWrapper ? { keyWrapper } : {}),
          });
          return;
        }
        if (!flags.socket)
          throw usageError('watch needs --socket <path> (or $TAPLINE_WATCH_SOCKET) or --from-spool <dir>');
        if (sessionId === undefined) {
          stdout.write(renderSessionList(await listWatchedSessions(flags.socket)));
          return;
        }
        await followWatchedSession(flags.socket, sessionId, { write, note });
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    await stdout.close();
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    if (error instanceof OutputClosed) return exitCode;
    warn(describeError(error));
    return exitCodeFor(error);
  }
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One line per recording for `verify`. */
export function renderVerifyLine(result: VerifyResult): string {
  const signature = describeSignature(result);
  if (!result.ok) {
    const error = result.error!;
    const reason = result.incompleteReason ? ` (reason: ${result.incompleteReason})` : '';
    // A good signature on an incomplete recording is worth saying: it was sealed (e.g. at crash recovery), not cut later.
    const signed = result.signature.status === 'valid' ? `; ${signature}` : '';
    return `FAIL  ${result.location}  segment ${error.segmentIndex}: ${error.code}: ${error.message}${reason}${signed}`;
  }
  const bodies = result.bodiesDecoded ? '' : ', bodies not decrypted (no --key-file)';
  const published = result.published
    ? `; holds the ${result.published.heads} chain heads published in ${result.published.location}`
    : '';
  return `OK    ${result.location}  complete, ${result.segments} segments, ${result.frames} frames, ${formatBytes(result.bytes)}${result.encrypted ? ', encrypted' : ''}${bodies}; chain ${result.chainHash}; ${signature}${published}`;
}

function describeSignature(result: VerifyResult): string {
  const { status, algorithm, keyId, state, source } = result.signature;
  const from = source === 'published' ? ', from the published session.ended' : '';
  switch (status) {
    case 'valid':
      return `signature valid (${algorithm}, key ${keyId}), signed as ${state ?? 'complete'}${from}`;
    case 'legacy':
      return `legacy signature format (v1, ${algorithm}, key ${keyId}${from}): valid over the session id and chain hash only`;
    case 'invalid':
      return `signature invalid (key ${keyId})`;
    case 'unchecked':
      return `signed by key ${keyId}, not checked (no --public-key)`;
    default:
      return 'unsigned';
  }
}
