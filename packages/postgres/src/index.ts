export { md5Password, ScramClient } from './auth.js';
export { PostgresErrorCode, type PostgresErrorCodeName } from './errors.js';
export * from './protocol/index.js';
export {
  createPostgresProxy,
  type PostgresAuthRequest,
  type PostgresGrant,
  type PostgresProxy,
  type PostgresProxyEvent,
  type PostgresProxyOptions,
  type PostgresRecorder,
  type PostgresSessionInfo,
} from './proxy.js';
export { splitStatements } from './sql-split.js';
export type { PostgresTarget, PostgresTargetTls } from './target.js';
export { QueryTracker, type QueryTrackerOptions, rowsOfTag } from './tracker.js';
export { describeParameter, type ParameterOptions, typeName } from './values.js';
