// The `logger` option: any pino-compatible logger (pino itself, or an object
// with info/warn/error taking a fields object and a message). Logging never
// breaks what is logged: a throwing logger is ignored.

/** A pino-compatible logger. */
export interface TaplineLogger {
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Calls `logger[level]`, if there is a logger, swallowing what it throws. */
export function logTo(
  logger: TaplineLogger | undefined,
  level: LogLevel,
  fields: object,
  message: string,
): void {
  if (logger === undefined) return;
  try {
    logger[level](fields, message);
  } catch {
    // A logger must not take down what it observes.
  }
}
