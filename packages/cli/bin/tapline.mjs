#!/usr/bin/env node
// The `tapline` command. Installed from the registry it runs the compiled
// dist/; in the workspace (src/ present) it runs the TypeScript source through
// tsx and resolves @tapline/* packages to their src/ (the "source" export
// condition), so no build is needed.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/main.ts', import.meta.url);
if (existsSync(source) && process.env.TAPLINE_CLI_USE_DIST === undefined) {
  const addSourceCondition = `export async function resolve(specifier, context, next) {
    const conditions = context.conditions.includes('source') ? context.conditions : ['source', ...context.conditions];
    return next(specifier, { ...context, conditions });
  }`;
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  await import(source.href);
} else {
  await import('../dist/main.js');
}
