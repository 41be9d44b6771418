// Sits between `sftp -D` and OpenSSH's sftp-server: forwards both directions
// unchanged and logs every chunk, in the order this process saw it, to the
// file named by SFTP_RELAY_LOG. A reply can only be read after the request
// that caused it was forwarded, so the log is in proxy order.
// Record layout: byte direction (0 client→server, 1 server→client), uint32 length, bytes.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

const logPath = process.env.SFTP_RELAY_LOG;
if (!logPath) throw new Error('SFTP_RELAY_LOG is not set');
const log = openSync(logPath, 'w');
const serverPath = process.env.SFTP_SERVER ?? '/usr/lib/openssh/sftp-server';
const server = spawn(serverPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });

function record(direction, chunk) {
  const header = Buffer.alloc(5);
  header[0] = direction;
  header.writeUInt32BE(chunk.length, 1);
  writeSync(log, header);
  writeSync(log, chunk);
}

process.stdin.on('data', (chunk) => {
  record(0, chunk);
  server.stdin.write(chunk);
});
process.stdin.on('end', () => server.stdin.end());
server.stdin.on('error', () => {});
server.stdout.on('data', (chunk) => {
  record(1, chunk);
  process.stdout.write(chunk);
});
server.on('exit', (code) => {
  closeSync(log);
  process.exitCode = code ?? 1;
  process.stdin.destroy();
});
