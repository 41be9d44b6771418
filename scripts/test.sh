#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages the tests drive as
# real peers (sshd, sftp-server, ...), pnpm, dependencies, then lint,
# typecheck and every package's tests. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
for setup in .ci/setup-*.sh; do
  [ -e "$setup" ] || continue
  echo "test: $setup" >&2
  bash "$setup"
done
bash scripts/bootstrap.sh
pnpm test
