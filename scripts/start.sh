#!/usr/bin/env bash
# The README's main job: the example SSH connector on embedded defaults.
#
#   bash scripts/start.sh            run the connector (Ctrl-C stops it)
#   bash scripts/start.sh --demo     one scripted SSH session end to end, its timeline, exit 0
#   bash scripts/start.sh --help     options
#
# Needs only Node 20 and npm: scripts/bootstrap.sh installs the pinned pnpm and
# the locked dependencies first. Recordings go to ./recordings and state to
# ./.tapline under the directory you run it from.
set -euo pipefail
caller="$PWD"
root="$(cd "$(dirname "$0")/.." && pwd)"
# bootstrap's output goes to stderr: stdout is the connector's.
bash "$root/scripts/bootstrap.sh" >&2
cd "$caller"
exec node "$root/examples/ssh-connector/bin/connector.mjs" "$@"
