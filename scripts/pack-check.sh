#!/usr/bin/env bash
# What an adopter installs, checked as they get it: packs every package with
# pnpm (publishConfig applied, workspace: ranges rewritten), lints each
# tarball with publint and @arethetypeswrong/cli, installs the tarballs with
# npm into a scratch project outside the workspace, and runs an ESM smoke test
# (a recorded session, verified by the installed `tapline`) and a TypeScript
# smoke test under moduleResolution node16, bundler and node10.
# Needs a build first (`pnpm run build`). Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/tapline-pack-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/tarballs" "$scratch/app"

for dir in packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$scratch/tarballs" >/dev/null)
done
for tarball in "$scratch"/tarballs/*.tgz; do
  pnpm exec publint run "$tarball" --strict >"$scratch/publint.log" 2>&1 || { cat "$scratch/publint.log"; exit 1; }
  # ESM-only by design: a CommonJS require() of these packages is the one thing attw may report.
  pnpm exec attw "$tarball" --ignore-rules cjs-resolves-to-esm --format ascii >"$scratch/attw.log" 2>&1 ||
    { cat "$scratch/attw.log"; exit 1; }
  echo "pack-check: $(basename "$tarball"): publint and attw clean"
done

# The app depends on every tarball, and overrides pin @tapline/* to them so
# npm never looks for those names on the registry.
node - "$scratch" <<'NODE'
const { readdirSync, writeFileSync } = require('node:fs');
const scratch = process.argv[2];
const deps = {};
for (const file of readdirSync(`${scratch}/tarballs`)) {
  const name = `@tapline/${file.replace(/^tapline-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`;
  deps[name] = `file:${scratch}/tarballs/${file}`;
}
delete deps['@tapline/testing']; // its peers are a test runner; publint and attw cover it
const app = { name: 'tapline-pack-smoke', private: true, type: 'module', dependencies: deps, overrides: deps };
writeFileSync(`${scratch}/app/package.json`, `${JSON.stringify(app, null, 2)}\n`);
NODE
cp scripts/pack-smoke/smoke.mjs scripts/pack-smoke/smoke.ts "$scratch/app/"
cd "$scratch/app"
npm install --no-fund --no-audit --loglevel=error >/dev/null
npm install --no-fund --no-audit --loglevel=error --no-save "@types/node@$(node -p "require('$root/node_modules/@types/node/package.json').version")" >/dev/null
node smoke.mjs
tsc="$root/node_modules/typescript/bin/tsc"
# node10 projects compile with esModuleInterop (tsc --init's default): the
# frames declarations import protobufjs's CommonJS default export.
for resolution in node16 bundler node10; do
  case "$resolution" in
    node16) flags=(--module Node16) ;;
    bundler) flags=(--module ESNext) ;;
    node10) flags=(--module ESNext --esModuleInterop) ;;
  esac
  node "$tsc" --noEmit --strict --skipLibCheck false --types node --target ES2022 \
    "${flags[@]}" --moduleResolution "$resolution" smoke.ts
  echo "pack-check: TypeScript smoke test passes with moduleResolution $resolution"
done
