#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages the tests drive as
# real peers (sshd, sftp-server, ...), pnpm, dependencies, then lint,
# typecheck, a build of every package, every test, then the quick benchmark
# gate (bench:ci). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
for setup in .ci/setup-*.sh; do
  [ -e "$setup" ] || continue
  echo "test: $setup" >&2
  bash "$setup"
done
bash scripts/bootstrap.sh
pnpm test
# What an adopter installs: every package packed, linted and installed outside the workspace.
bash scripts/pack-check.sh
# The benchmark gate: ratios against committed thresholds (bench/README.md).
pnpm bench:ci
