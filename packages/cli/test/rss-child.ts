// Runs the `tapline` command line in a child process and reports, as the last
// line of stderr, its exit status and the peak RSS the process reached.
import { run } from '../src/cli.js';

const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: {} });
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stderr.write(`\n@@result ${JSON.stringify({ code, maxRssBytes })}\n`);
process.exitCode = code;
