// The program a command line runs: its first word after variable assignments
// and a few wrappers that run another program (sudo vi → vi).

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Wrappers, with the short options of theirs that take a separate argument. */
const WRAPPERS: ReadonlyMap<string, string> = new Map([
  ['sudo', 'CDghprRTUu'],
  ['doas', 'Cu'],
  ['env', 'CSu'],
  ['exec', 'a'],
  ['command', ''],
  ['builtin', ''],
  ['nohup', ''],
  ['time', 'fo'],
  ['nice', 'n'],
  ['ionice', 'cnp'],
  ['stdbuf', 'ioe'],
]);

function unquote(word: string): string {
  return word.replace(/^['"]|['"]$/g, '').replace(/\\(.)/g, '$1');
}

/** "sudo -u root vim /etc/hosts" → "vim"; "" when there is no program word. */
export function programOf(commandLine: string): string {
  const words = commandLine.trim().split(/\s+/);
  let index = 0;
  let wrapper = '';
  while (index < words.length) {
    const word = words[index]!;
    if (word === '' || ASSIGNMENT.test(word)) {
      index++;
      continue;
    }
    const name = unquote(word);
    const base = name.slice(name.lastIndexOf('/') + 1);
    const withArgument = WRAPPERS.get(base);
    if (withArgument === undefined) return base;
    wrapper = base;
    index++;
    // Skip the wrapper's options: "-u root", "-uroot", "--user=root", "--".
    while (index < words.length && words[index]!.startsWith('-')) {
      const option = words[index]!;
      index++;
      if (option === '--') break;
      if (!option.startsWith('--') && option.length === 2 && withArgument.includes(option[1]!)) index++;
    }
  }
  // Only a wrapper and its options ("sudo -i"): the wrapper is the program.
  return wrapper;
}
