// A seeded generator of interactive shell sequences for the ground-truth
// harness (issue 13). Each sequence is the keys a person would send through
// the real `ssh` in tmux, plus the command texts the shell is expected to run
// (the shell's own log is the truth; `expected` checks the generator itself).
// Same seed, same shell, same count: the same sequences, byte for byte.

export type ShellName = 'bash' | 'zsh' | 'busybox';

export type Action =
  /** tmux key names (`Enter`, `C-a`, `M-b`, `Up`, ...), each sent as its own key. */
  | { kind: 'keys'; keys: readonly string[] }
  /** Literal text; `\r` inside is an Enter. Sent in one tmux call, so in one write to the pty. */
  | { kind: 'text'; text: string }
  /** Pasted through tmux's paste buffer; bracketed when the shell asked for it and `bracketed` is set. */
  | { kind: 'paste'; text: string; bracketed: boolean }
  /** Waits until the screen matches (a full-screen program drew, a no-echo prompt is up). */
  | { kind: 'screen'; pattern: RegExp }
  /** Lets an escape-sequence timeout (vi mode's Escape) pass before the next key. */
  | { kind: 'pause'; ms: number }
  /** Waits for the shell's next primary prompt (and its line editor to be ready). */
  | { kind: 'prompt' };

export interface InteractiveSequence {
  /** Position in the whole corpus. */
  index: number;
  /** What it exercises (for the mismatch listing). */
  feature: string;
  actions: Action[];
  /** The command texts the shell should run, in order (lines of one command joined with "\n"). */
  expected: string[];
  /** Primary prompts the shell shows after this sequence (0 for an exit). */
  prompts: number;
  /** The sequence ends the shell. */
  exits?: boolean;
}

export interface GeneratedSession {
  shell: ShellName;
  sequences: InteractiveSequence[];
}

export interface GeneratorOptions {
  shell: ShellName;
  seed: number;
  /** Sequences in the whole corpus, exits included. */
  sequences: number;
  /** Most sequences per ssh session (one ssh session runs many, for speed). @default 40 */
  perSession?: number;
}

/** Files the harness puts in the shell's working directory, for tab completion and `cat`/`less`. */
export const WORK_FILES: Record<string, string> = {
  'alpha-report.txt': 'alpha report line\n',
  'beta-notes.md': '# beta notes\n',
  'gamma.log': 'gamma 1\ngamma 2\n',
};
export const WORK_DIRECTORY_ENTRY = 'delta-dir';

/** mulberry32: a tiny, well-mixed 32-bit PRNG; enough for reproducible fixtures. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Commands never recalled: they wait for input (a secret, a full-screen
 * program's keys) or change how later keys are read.
 */
const UNRECALLABLE = /^(read |vi |less |set -o vi)/;
/** Marks a history entry recall sequences skip (multi-line, or unrecallable). */
const MULTI_LINE = '\u0000';
const TAG = /\bt\d+-\d+z\b/;

/** Shows the secret was read without showing it. */
const SECRET_LENGTH = `echo \${#secret}`;

const WORDS = ['alpha', 'bravo', 'delta', 'echo-x', 'kilo', 'lima', 'oscar', 'sierra', 'tango', 'zulu'];

interface Builder {
  readonly shell: ShellName;
  readonly random: () => number;
  /** A token unique in the corpus, so every command is recognisable. */
  readonly tag: string;
  /** Single-line commands run so far in this session (for history recall). */
  readonly history: readonly string[];
  pick<T>(items: readonly T[]): T;
  words(count: number): string;
}

type Feature = (builder: Builder) => Omit<InteractiveSequence, 'index'>;

const enter: Action = { kind: 'keys', keys: ['Enter'] };
const text = (value: string): Action => ({ kind: 'text', text: value });
const keys = (...names: string[]): Action => ({ kind: 'keys', keys: names });
/** Types lines one by one, each followed by Enter (continuation prompts come between). */
const typedLines = (lines: readonly string[]): Action[] => lines.flatMap((line) => [text(line), enter]);
const single = (feature: string, actions: Action[], command: string): Omit<InteractiveSequence, 'index'> => ({
  feature,
  actions,
  expected: [command],
  prompts: 1,
});

const features: Record<string, Feature> = {
  typed: (b) => {
    const command = `echo ${b.words(2)} ${b.tag}`;
    return single('typed', [text(command), enter], command);
  },
  backspace: (b) => {
    const command = `echo ${b.words(1)} ${b.tag}`;
    return single('backspace', [text(`${command}xyz`), keys('BSpace', 'BSpace', 'BSpace'), enter], command);
  },
  'ctrl-a': (b) => {
    const rest = `${b.words(2)} ${b.tag}`;
    const home = b.shell === 'zsh' ? 'C-a' : b.pick(['C-a', 'Home']);
    return single('ctrl-a/home', [text(rest), keys(home), text('echo '), enter], `echo ${rest}`);
  },
  'ctrl-e': (b) => {
    const end = b.shell === 'zsh' ? 'C-e' : b.pick(['C-e', 'End']);
    return single(
      'ctrl-e/end',
      [text(`${b.tag} mid`), keys('C-a'), text('echo '), keys(end), text(' last'), enter],
      `echo ${b.tag} mid last`,
    );
  },
  'ctrl-k': (b) => {
    const command = `echo ${b.words(1)} ${b.tag}`;
    const extra = ' junk-tail';
    return single(
      'ctrl-k',
      [text(command + extra), keys(...Array<string>(extra.length).fill('Left'), 'C-k'), enter],
      command,
    );
  },
  'ctrl-u': (b) => {
    const command = `echo ${b.words(1)} ${b.tag}`;
    return single('ctrl-u', [text('discarded words here'), keys('C-u'), text(command), enter], command);
  },
  'ctrl-w': (b) => {
    const command = `echo ${b.words(1)} ${b.tag}`;
    return single('ctrl-w', [text(`${command} junk`), keys('C-w'), enter], command);
  },
  arrows: (b) => {
    // Types the command without one word, walks left over the tail, inserts it, walks right.
    const word = b.words(1);
    const tail = ` ${b.tag}`;
    const command = `echo ${word}${tail}`;
    return single(
      'arrows',
      [
        text(`echo ${tail}`),
        keys(...Array<string>(tail.length).fill('Left')),
        text(word),
        keys(...Array<string>(tail.length).fill('Right')),
        enter,
      ],
      command,
    );
  },
  'alt-b-f': (b) => {
    // Plain words after the tag: every shell agrees where a word starts (the tag's '-' would not).
    return single(
      'alt-b/alt-f',
      [
        text(`echo ${b.tag} first second`),
        keys('M-b', 'M-b'),
        text('mid '),
        keys('M-f', 'M-f'),
        text(' last'),
        enter,
      ],
      `echo ${b.tag} mid first second last`,
    );
  },
  'history-up': (b) => {
    const last = b.history.at(-1);
    if (last?.startsWith(MULTI_LINE)) return features.typed!(b);
    if (last === undefined || b.shell === 'busybox') {
      // busybox drops a line equal to the previous one from its history: recall with an edit.
      const base = last ?? `echo base ${b.tag}`;
      const actions: Action[] = last === undefined ? [text(base), enter] : [];
      const edited = `${base} again-${b.tag}`;
      return {
        feature: 'history-up+edit',
        actions: [...actions, keys('Up', 'C-e'), text(` again-${b.tag}`), enter],
        expected: last === undefined ? [base, edited] : [edited],
        prompts: last === undefined ? 2 : 1,
      };
    }
    return single('history-up', [keys('Up'), enter], last);
  },
  'history-up-up': (b) => {
    const earlier = b.history.at(-2);
    const last = b.history.at(-1);
    // In zsh a second Up moves within a recalled multi-line entry: both must be single lines.
    if (
      earlier === undefined ||
      earlier.startsWith(MULTI_LINE) ||
      last!.startsWith(MULTI_LINE) ||
      last === earlier
    )
      return features.typed!(b);
    return single('history-up-up', [keys('Up', 'Up'), enter], earlier);
  },
  'ctrl-r': (b) => {
    // Search for the unique tag of a recent command.
    const candidates = b.history.filter((line) => !line.startsWith(MULTI_LINE) && TAG.test(line)).slice(-8);
    if (candidates.length === 0 || b.shell === 'busybox') return features.typed!(b);
    const target = b.pick(candidates);
    const tag = TAG.exec(target)![0];
    // The newest history line holding the tag is what the search finds.
    const found = [...b.history].reverse().find((line) => line.includes(tag))!;
    return single('ctrl-r', [keys('C-r'), text(tag), enter], found.replace(MULTI_LINE, ''));
  },
  completion: (b) => {
    const [file, prefix] = b.pick([
      ['alpha-report.txt', 'alp'],
      ['beta-notes.md', 'bet'],
      ['gamma.log', 'gam'],
    ] as const);
    // Completion leaves a space after the name; the shells keep it (an Up + edit shows it).
    if (b.shell !== 'busybox')
      return single('tab-completion', [text(`cat ${prefix}`), keys('Tab'), enter], `cat ${file} `);
    // busybox drops a line equal to the previous one from its history: a tag keeps each one there.
    const tail = `# ${b.tag}`;
    return single(
      'tab-completion',
      [text(`cat ${prefix}`), keys('Tab'), text(tail), enter],
      `cat ${file} ${tail}`,
    );
  },
  'completion-dir': (b) => {
    return single(
      'tab-completion-dir',
      [text('ls -d delt'), keys('Tab'), text(` ${b.tag}`), enter],
      // zsh takes the completed directory's slash back when a space follows.
      `ls -d ${WORK_DIRECTORY_ENTRY}${b.shell === 'zsh' ? '' : '/'} ${b.tag}`,
    );
  },
  'paste-bracketed': (b) => {
    const lines = [`echo p1 ${b.tag}`, `echo p2 ${b.tag}`, `echo p3 ${b.tag}`];
    // bash runs a pasted block as one input (one prompt) but logs each line as its own history
    // entry; zsh accepts it as one buffer. busybox never asks for bracketed paste: it gets the raw
    // lines and runs them one by one.
    return {
      feature: 'paste-bracketed',
      actions: [{ kind: 'paste', text: lines.join('\n'), bracketed: true }, enter],
      expected: b.shell === 'zsh' ? [lines.join('\n')] : lines,
      prompts: b.shell === 'busybox' ? lines.length : 1,
    };
  },
  'paste-raw': (b) => {
    const lines = [`echo r1 ${b.tag}`, `echo r2 ${b.tag}`];
    return {
      feature: 'paste-unbracketed',
      actions: [{ kind: 'paste', text: `${lines.join('\n')}\n`, bracketed: false }],
      expected: lines,
      prompts: lines.length,
    };
  },
  'one-write': (b) => {
    const count = 2 + Math.floor(b.random() * 3);
    const lines = Array.from({ length: count }, (_, i) => `echo w${i} ${b.tag}`);
    return {
      feature: 'several-in-one-write',
      actions: [text(`${lines.join('\r')}\r`)],
      expected: lines,
      prompts: count,
    };
  },
  'paste-20': (b) => {
    // Issue 13: "a paste of 20 commands in one write records 20 commands".
    const lines = Array.from({ length: 20 }, (_, i) => `echo paste-${i} ${b.tag}`);
    return {
      feature: 'paste-20-commands',
      actions: [{ kind: 'paste', text: `${lines.join('\n')}\n`, bracketed: false }],
      expected: lines,
      prompts: lines.length,
    };
  },
  'type-ahead': (b) => {
    const lines = ['sleep 0.4', `echo ahead ${b.tag}`];
    return {
      feature: 'type-ahead',
      actions: [text(lines[0]!), enter, text(lines[1]!), enter],
      expected: lines,
      prompts: 2,
    };
  },
  'for-loop': (b) => multi(b, 'for-loop', [`for i in 1 2; do`, `echo loop-$i ${b.tag}`, 'done']),
  'while-loop': (b) =>
    multi(b, 'while-loop', [`n=0; while [ $n -lt 2 ]; do`, `n=$((n+1)); echo n-$n ${b.tag}`, 'done']),
  'if-else': (b) => multi(b, 'if-else', [`if [ -n "${b.tag}" ]; then`, 'echo yes', 'else', 'echo no', 'fi']),
  case: (b) => multi(b, 'case', [`case ${b.tag} in`, `t*) echo matched ;;`, '*) echo other ;;', 'esac']),
  function: (b) => {
    const name = `fn_${b.tag.replace('-', '_')}`;
    const definition = multi(b, 'function', [`${name}() {`, `echo in-${b.tag}`, '}']);
    return {
      ...definition,
      actions: [...definition.actions, text(name), enter],
      expected: [...definition.expected, name],
      prompts: 2,
    };
  },
  continuation: (b) => {
    const lines = [`echo cont ${b.tag} \\`, `${b.words(1)}`];
    return multi(b, 'backslash-continuation', lines);
  },
  'unclosed-quote': (b) => multi(b, 'unclosed-quote', [`echo "first ${b.tag}`, `second line"`]),
  heredoc: (b) => multi(b, 'heredoc', [`cat <<EOF`, `body $HOME ${b.tag}`, 'EOF']),
  'heredoc-quoted': (b) => multi(b, 'heredoc-quoted', [`cat <<'END'`, `body $HOME ${b.tag}`, 'END']),
  'heredoc-dash': (b) => {
    if (b.shell === 'busybox') {
      // A typed tab completes instead of inserting, and busybox has no bracketed paste: no tabs here.
      return multi(b, 'heredoc-dash', [`cat <<-EOF`, `body ${b.tag}`, 'EOF']);
    }
    // Tabs only survive a bracketed paste (typed, they complete).
    const lines = [`cat <<-EOF`, `\tbody ${b.tag}`, '\tEOF'];
    return {
      feature: 'heredoc-dash-pasted',
      actions: [{ kind: 'paste', text: lines.join('\n'), bracketed: true }, enter],
      expected: [lines.join('\n')],
      prompts: 1,
    };
  },
  'ctrl-c': (b) => {
    const command = `echo after-ctrl-c ${b.tag}`;
    return {
      feature: 'ctrl-c-half-typed',
      // zsh flushes what was typed ahead when interrupted: wait for the new prompt, as a person would.
      // And a Ctrl-C before the line editor is up makes the tty drop what was typed ahead: the
      // half-typed line must be in the editor first.
      actions: [
        { kind: 'pause', ms: 150 },
        text(`echo never-run ${b.tag}`),
        { kind: 'pause', ms: 50 },
        keys('C-c'),
        { kind: 'prompt' },
        text(command),
        enter,
      ],
      expected: [command],
      prompts: 2,
    };
  },
  'vi-mode': (b) => {
    if (b.shell === 'busybox') return features.typed!(b);
    const pause: Action = { kind: 'pause', ms: 150 };
    const command = `echo Xvvv ${b.tag}`;
    return {
      feature: 'set-o-vi',
      actions: [
        text('set -o vi'),
        enter,
        text(`echo vvv ${b.tag}`),
        keys('Escape'),
        pause,
        keys('0', 'w', 'i'),
        text('X'),
        keys('Escape'),
        pause,
        enter,
        text('set -o emacs'),
        enter,
      ],
      expected: ['set -o vi', command, 'set -o emacs'],
      prompts: 3,
    };
  },
  'no-echo': (b) => {
    const read = b.shell === 'zsh' ? `read -rs 'secret?Secret: '` : `read -rs -p 'Secret: ' secret`;
    return {
      feature: 'no-echo-read',
      actions: [
        text(read),
        enter,
        { kind: 'screen', pattern: /Secret:\s*$/m },
        text(`hunter2-${b.tag}`),
        enter,
        text(SECRET_LENGTH),
        enter,
      ],
      expected: [read, SECRET_LENGTH],
      prompts: 2,
    };
  },
  vi: (b) => {
    const command = `vi notes-${b.tag}.txt`;
    return single(
      'full-screen-vi',
      [text(command), enter, { kind: 'screen', pattern: /^~/m }, text(':q!'), enter],
      command,
    );
  },
  less: (b) => {
    const command = `less ${b.pick(Object.keys(WORK_FILES))}`;
    return single(
      'full-screen-less',
      [text(command), enter, { kind: 'screen', pattern: /\(END\)|^~\s*$|^:\s*$/m }, keys('q')],
      command,
    );
  },
};

function multi(_builder: Builder, feature: string, lines: string[]): Omit<InteractiveSequence, 'index'> {
  return { feature, actions: typedLines(lines), expected: [lines.join('\n')], prompts: 1 };
}

/** Relative weights: line editing and multi-line constructs dominate, as in real sessions. */
const WEIGHTS: Array<[string, number]> = [
  ['typed', 4],
  ['backspace', 3],
  ['ctrl-a', 2],
  ['ctrl-e', 2],
  ['ctrl-k', 2],
  ['ctrl-u', 2],
  ['ctrl-w', 2],
  ['arrows', 2],
  ['alt-b-f', 2],
  ['history-up', 2],
  ['history-up-up', 1],
  ['ctrl-r', 2],
  ['completion', 2],
  ['completion-dir', 1],
  ['paste-bracketed', 2],
  ['paste-raw', 2],
  ['one-write', 2],
  ['paste-20', 1],
  ['type-ahead', 2],
  ['for-loop', 2],
  ['while-loop', 1],
  ['if-else', 1],
  ['case', 1],
  ['function', 1],
  ['continuation', 2],
  ['unclosed-quote', 1],
  ['heredoc', 2],
  ['heredoc-quoted', 1],
  ['heredoc-dash', 1],
  ['ctrl-c', 2],
  ['vi-mode', 1],
  ['no-echo', 1],
  ['vi', 1],
  ['less', 1],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

const EXITS: Array<(shell: ShellName) => Omit<InteractiveSequence, 'index'>> = [
  () => ({ feature: 'exit', actions: [text('exit'), enter], expected: ['exit'], prompts: 0, exits: true }),
  () => ({
    feature: 'exit-status',
    actions: [text('exit 3'), enter],
    expected: ['exit 3'],
    prompts: 0,
    exits: true,
  }),
  // Ctrl-D on an empty line ends the shell without running a command.
  () => ({ feature: 'ctrl-d', actions: [keys('C-d')], expected: [], prompts: 0, exits: true }),
];

/** The corpus for one shell, cut into ssh sessions that each end with an exit. */
export function generateSessions(options: GeneratorOptions): GeneratedSession[] {
  const random = createRandom(options.seed ^ hashName(options.shell));
  const perSession = Math.max(2, options.perSession ?? 40);
  const sessions: GeneratedSession[] = [];
  let index = 0;
  while (index < options.sequences) {
    const count = Math.min(perSession, options.sequences - index);
    const sequences: InteractiveSequence[] = [];
    const history: string[] = [];
    for (let position = 0; position < count; position++, index++) {
      const last = position === count - 1;
      // The trailing letter keeps one tag from being a prefix of another (t1-1z vs t1-12z) for Ctrl-R.
      const tag = `t${options.seed % 1000}-${index}z`;
      const builder: Builder = {
        shell: options.shell,
        random,
        tag,
        history,
        pick: (items) => items[Math.floor(random() * items.length)]!,
        words: (n) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '),
      };
      const body = last
        ? EXITS[Math.floor(random() * EXITS.length)]!(options.shell)
        : pickFeature(random)(builder);
      sequences.push({ index, ...body });
      // bash and zsh keep a multi-line command as one entry; busybox keeps its lines. Recall skips both.
      for (const command of body.expected) {
        if (!command.includes('\n') && !UNRECALLABLE.test(command)) history.push(command);
        else if (!command.includes('\n')) history.push(MULTI_LINE + command);
        else if (options.shell === 'busybox')
          for (const line of command.split('\n')) history.push(MULTI_LINE + line);
        else history.push(MULTI_LINE + command);
      }
    }
    sessions.push({ shell: options.shell, sequences });
  }
  return sessions;
}

function pickFeature(random: () => number): Feature {
  let roll = random() * TOTAL_WEIGHT;
  for (const [name, weight] of WEIGHTS) {
    roll -= weight;
    if (roll < 0) return features[name]!;
  }
  return features.typed!;
}

function hashName(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return hash >>> 0;
}
