// How each target shell keeps its own exact log of what it ran, and how the
// harness reads it back. The files live on the target (this machine) in a
// directory the target user owns; nothing in the user's home is touched.
//
// - bash: a DEBUG trap (before every simple command, so `exit` too) and
//   PROMPT_COMMAND (for lines with no simple command, e.g. a function
//   definition) append `history 1` whenever the history number moved.
//   `lithist` keeps a multi-line command's newlines; HISTCONTROL/HISTIGNORE
//   are empty so nothing is dropped.
// - zsh: `preexec` gets the line exactly as the shell read it ($1).
// - busybox sh (ash, Debian's build): no DEBUG trap, no preexec, no
//   PROMPT_COMMAND, no history file (FEATURE_EDITING_SAVEHISTORY is off).
//   What works: PS1 with command substitution runs at every primary prompt,
//   and its child (a fork) still holds the history: it appends a dump of
//   `history` (15 lines at most in this build, whatever HISTSIZE says). The
//   lines that appeared between two prompts are one command; an EXIT trap
//   dumps the last ones. Limits: ash drops a line equal to the previous one
//   from its history (the generator never repeats one), a command of more
//   than 15 lines cannot be seen whole (none is generated), and a command is
//   "the lines read between two prompts".
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ShellName } from './generator.js';

export interface ShellSetup {
  /** The remote command `ssh -t` runs (an exec with a pty: the same terminal analyzer as a shell). */
  launch: string;
  /** Primary prompts shown so far. */
  prompts(): number;
  /** The shell's own log: every command it ran, in order. */
  commands(): string[];
}

const RECORD_SEPARATOR = '\u001e\n';

/**
 * The lines a bounded history gained between two snapshots: `after` is
 * `before` minus its oldest lines plus the new ones, so the new ones follow
 * the longest tail of `before` that `after` starts with.
 */
export function linesAdded(before: readonly string[], after: readonly string[]): string[] {
  for (let dropped = 0; dropped <= before.length; dropped++) {
    const kept = before.length - dropped;
    if (kept > after.length) continue;
    let same = true;
    for (let i = 0; i < kept && same; i++) same = before[dropped + i] === after[i];
    if (same) return after.slice(kept);
  }
  return [...after];
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function nulSeparated(text: string): string[] {
  const entries = text.split('\0');
  entries.pop(); // after the last NUL
  return entries;
}

/** Writes the shell's start-up file into `directory` and says how to start and read it. */
export function prepareShell(shell: ShellName, directory: string, workDirectory: string): ShellSetup {
  const log = join(directory, `${shell}.log`);
  const prompts = join(directory, `${shell}.prompts`);
  const countBytes = (): number => readOrEmpty(prompts).length;
  switch (shell) {
    case 'bash': {
      const rc = join(directory, 'bashrc');
      writeFileSync(
        rc,
        [
          "PS1='$ '",
          "PS2='> '",
          'unset HISTFILE',
          'HISTSIZE=100000',
          'HISTCONTROL=',
          'HISTIGNORE=',
          'shopt -s lithist cmdhist',
          '__tl_last=',
          '__tl_log() {',
          '  local entry number',
          '  entry=$(HISTTIMEFORMAT= history 1)',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
          '  number=${entry%%[!0-9 ]*}',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion
          '  number=${number// /}',
          '  if [[ $number != "$__tl_last" ]]; then',
          '    __tl_last=$number',
          `    printf '%s\\0' "\${entry#*[0-9]  }" >> ${log}`,
          '  fi',
          '}',
          `PROMPT_COMMAND='__tl_log; printf . >> ${prompts}'`,
          "trap '__tl_log' DEBUG",
          '',
        ].join('\n'),
        { mode: 0o644 },
      );
      return {
        launch: `cd ${workDirectory} && exec bash --rcfile ${rc} -i`,
        prompts: countBytes,
        commands: () => readShellLog('bash', directory),
      };
    }
    case 'zsh': {
      writeFileSync(join(directory, '.zshenv'), 'unsetopt GLOBAL_RCS\n', { mode: 0o644 });
      writeFileSync(
        join(directory, '.zshrc'),
        [
          "PS1='%% '",
          "PS2='> '",
          'HISTSIZE=100000',
          'SAVEHIST=0',
          'unset HISTFILE',
          'bindkey -e',
          // Home/End as a distribution's zshrc binds them (tmux sends these for TERM=screen).
          "bindkey '\\e[1~' beginning-of-line '\\e[H' beginning-of-line '\\eOH' beginning-of-line",
          "bindkey '\\e[4~' end-of-line '\\e[F' end-of-line '\\eOF' end-of-line",
          `preexec() { print -rn -- "$1"$'\\0' >> ${log} }`,
          `precmd() { print -rn -- . >> ${prompts} }`,
          '',
        ].join('\n'),
        { mode: 0o644 },
      );
      return {
        launch: `cd ${workDirectory} && exec env ZDOTDIR=${directory} zsh -i`,
        prompts: countBytes,
        commands: () => readShellLog('zsh', directory),
      };
    }
    case 'busybox': {
      const rc = join(directory, 'ashrc');
      const snapshots = join(directory, 'busybox.snapshots');
      // Each prompt appends a record separator and the whole (at most 15-line) history.
      const dump = `{ printf '\\036\\n'; history; } >> ${snapshots}`;
      writeFileSync(
        rc,
        [
          `__tl_prompt() { ${dump}; }`,
          "PS1='$(__tl_prompt)$ '",
          "PS2='> '",
          "trap '__tl_prompt' EXIT",
          '',
        ].join('\n'),
        { mode: 0o644 },
      );
      return {
        launch: `cd ${workDirectory} && exec env ENV=${rc} busybox sh -i`,
        prompts: () => busyboxRecords(directory).length,
        commands: () => readShellLog('busybox', directory),
      };
    }
  }
}

/** busybox's history dumps, one per prompt. */
function busyboxRecords(directory: string): string[] {
  return readOrEmpty(join(directory, 'busybox.snapshots')).split(RECORD_SEPARATOR).slice(1);
}

/** What the shell logged it ran, from the files prepareShell set it up to write in `directory`. */
export function readShellLog(shell: ShellName, directory: string): string[] {
  if (shell !== 'busybox') return nulSeparated(readOrEmpty(join(directory, `${shell}.log`)));
  const commands: string[] = [];
  let previous: string[] = [];
  for (const record of busyboxRecords(directory)) {
    const history = record
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^ *\d+ /, ''));
    const added = linesAdded(previous, history);
    if (added.length > 0) commands.push(added.join('\n'));
    previous = history;
  }
  return commands;
}
