export { PostgresErrorCode, type PostgresErrorCodeName } from './errors.js';
export * from './protocol/index.js';
