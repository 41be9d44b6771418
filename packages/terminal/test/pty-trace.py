#!/usr/bin/env python3
"""Runs a program in a real pseudo-terminal, types a script of keystrokes into
it and records both directions with their times.

Reads one JSON object on stdin:
  { "argv": [...], "env": {...}, "cwd"?: "/dir", "cols": 80, "rows": 24, "timeoutMs": 10000,
    "steps": [ { "send": "text", "expect": "text", "pauseMs": 20,
                 "perKeyPauseMs": 10, "resize": [cols, rows] }, ... ] }

Each step optionally resizes the terminal, sends `send` (one key at a time when
perKeyPauseMs is given; escape sequences such as "\x1b[D" stay whole), then
waits until `expect` appears in the output received since the step began and
then `pauseMs`. Prints JSON lines on stdout as things happen, one per event:
  { "type": "output"|"input"|"resize", "offsetNs", "data" (base64) | "cols","rows" }
and last { "done": true, "cols", "rows", "error"? }.

Standard library only; no Node native addon is needed to get a real pty.
"""
import base64
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


# One keystroke: an escape sequence (CSI / SS3 / Alt-key) or one character.
KEY = re.compile(r'\x1b\[[0-9;]*[A-Za-z~]|\x1bO.|\x1b.|.', re.S)


def emit(record):
    sys.stdout.write(json.dumps(record) + '\n')
    sys.stdout.flush()


def main():
    spec = json.load(sys.stdin)
    cols = spec.get('cols', 80)
    rows = spec.get('rows', 24)
    timeout = spec.get('timeoutMs', 10000) / 1000.0
    start = time.monotonic_ns()

    pid, fd = pty.fork()
    if pid == 0:
        set_size(0, cols, rows)
        if spec.get('cwd'):
            os.chdir(spec['cwd'])
        os.execvpe(spec['argv'][0], spec['argv'], spec.get('env', {}))

    set_size(fd, cols, rows)
    seen = bytearray()
    error = None

    def now():
        return time.monotonic_ns() - start

    def pump(deadline):
        """Reads whatever output is there until `deadline` (monotonic seconds)."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return True
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            emit({'type': 'output', 'offsetNs': now(), 'data': base64.b64encode(chunk).decode()})
            seen.extend(chunk)

    def send(data):
        raw = data.encode('utf-8')
        emit({'type': 'input', 'offsetNs': now(), 'data': base64.b64encode(raw).decode()})
        os.write(fd, raw)

    alive = True
    for index, step in enumerate(spec['steps']):
        if not alive:
            break
        mark = len(seen)
        if 'resize' in step:
            c, r = step['resize']
            set_size(fd, c, r)
            emit({'type': 'resize', 'offsetNs': now(), 'cols': c, 'rows': r})
        text = step.get('send', '')
        per_key = step.get('perKeyPauseMs')
        if text and per_key:
            for key in KEY.findall(text):
                send(key)
                alive = pump(time.monotonic() + per_key / 1000.0)
                if not alive:
                    break
        elif text:
            send(text)
        expect = step.get('expect')
        if expect is not None and alive:
            want = expect.encode('utf-8')
            deadline = time.monotonic() + timeout
            while want not in seen[mark:]:
                if time.monotonic() >= deadline:
                    error = 'step %d: timed out waiting for %r; tail %r' % (index, expect, bytes(seen[-200:]))
                    break
                alive = pump(min(deadline, time.monotonic() + 0.05))
                if not alive:
                    if want not in seen[mark:]:
                        error = 'step %d: program ended before %r' % (index, expect)
                    break
            if error:
                break
        if alive:
            alive = pump(time.monotonic() + step.get('pauseMs', 0) / 1000.0)

    if alive:
        # Drain what is left, then stop the program.
        alive = pump(time.monotonic() + 0.2)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    result = {'done': True, 'cols': cols, 'rows': rows}
    if error:
        result['error'] = error
    emit(result)


main()
