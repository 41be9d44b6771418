#!/usr/bin/env node
// Runs the example connector from its TypeScript source, from any working
// directory: `node examples/postgres-connector/bin/connector.mjs`.
// It resolves the @tapline/* workspace packages to their src/ (the "source"
// export condition) and loads TypeScript through tsx, so nothing is built first.
import { register } from 'node:module';

const addSourceCondition = `export async function resolve(specifier, context, next) {
  const conditions = context.conditions.includes('source') ? context.conditions : ['source', ...context.conditions];
  return next(specifier, { ...context, conditions });
}`;
register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
await import(new URL('../src/main.ts', import.meta.url).href);
