import { randomUUID } from 'node:crypto';
import { isUuid, TaplineError } from '@tapline/frames';
import type { SessionContext } from './contracts.js';

/** A validated SessionContext: session id set, times as Unix ms. */
export interface ValidContext extends SessionContext {
  sessionId: string;
  expiresAt?: number;
}

/** 9999-12-31T23:59:59.999Z: the last instant every date API (and every reader) can print. */
export const MAX_TIME_MS = 253_402_300_799_999;
/** Characters one text field of a grant may hold (ids, names, addresses). */
export const MAX_FIELD_CHARS = 1024;
const MAX_LABEL_KEY_CHARS = 256;
const MAX_LABELS = 64;
const MAX_APPROVERS = 100;
const MAX_PERMISSIONS = 1000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a grant before a session may start. Every field is treated as
 * hostile: types, text lengths, list sizes and times are range-checked, so
 * nothing the grant carries can fail later (an unprintable date, a
 * SessionStart frame too large to spool). Every problem found is listed in
 * one TAPLINE_ERR_INVALID_CONTEXT error (`details.problems`), so an
 * integrator fixes them all at once.
 */
export function validateContext(context: SessionContext, now: number = Date.now()): ValidContext {
  const problems: string[] = [];
  if (!isObject(context)) {
    throw new TaplineError('TAPLINE_ERR_INVALID_CONTEXT', 'session context must be an object', {
      component: 'recorder',
    });
  }
  const text = (value: unknown, name: string, required: boolean, max = MAX_FIELD_CHARS) => {
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || (required && value.trim().length === 0)) {
      problems.push(required ? `${name} is required` : `${name} must be a string`);
    } else if (value.length > max) {
      problems.push(`${name} is longer than ${max} characters`);
    }
  };
  const time = (value: unknown, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const ms = toMillis(value as number | Date);
    if (ms === undefined) problems.push(`${name} must be a date or whole Unix ms between 1970 and 9999`);
    return ms;
  };
  if (context.sessionId !== undefined && !isUuid(context.sessionId))
    problems.push('sessionId must be a UUID');
  text(context.protocol, 'protocol', true);
  if (isObject(context.user)) {
    text(context.user.id, 'user.id', true);
    text(context.user.name, 'user.name', false);
    text(context.user.email, 'user.email', false);
  } else {
    problems.push('user.id is required');
  }
  text(context.accessRequestId, 'accessRequestId', true);
  text(context.accessRequestStatus, 'accessRequestStatus', false);
  if (isObject(context.resource)) {
    text(context.resource.id, 'resource.id', true);
    text(context.resource.type, 'resource.type', true);
    text(context.resource.name, 'resource.name', false);
    text(context.resource.integration, 'resource.integration', false);
  } else {
    problems.push('resource.id is required');
    problems.push('resource.type is required');
  }
  text(context.clientAddress, 'clientAddress', false);
  text(context.target, 'target', false);
  if (context.approvers !== undefined) {
    if (!Array.isArray(context.approvers) || context.approvers.length > MAX_APPROVERS) {
      problems.push(`approvers must be a list of at most ${MAX_APPROVERS}`);
    } else {
      for (const [index, approver] of context.approvers.entries()) {
        if (!isObject(approver)) {
          problems.push(`approvers[${index}].id is required`);
          continue;
        }
        text(approver.id, `approvers[${index}].id`, true);
        text(approver.name, `approvers[${index}].name`, false);
        text(approver.email, `approvers[${index}].email`, false);
        time(approver.approvedAt, `approvers[${index}].approvedAt`);
      }
    }
  }
  if (context.accessFlow !== undefined) {
    if (isObject(context.accessFlow)) {
      text(context.accessFlow.id, 'accessFlow.id', true);
      text(context.accessFlow.name, 'accessFlow.name', false);
    } else {
      problems.push('accessFlow.id is required');
    }
  }
  if (context.permissions !== undefined) {
    if (!Array.isArray(context.permissions) || context.permissions.length > MAX_PERMISSIONS) {
      problems.push(`permissions must be a list of at most ${MAX_PERMISSIONS}`);
    } else if (
      !context.permissions.every(
        (permission) =>
          typeof permission === 'string' &&
          permission.trim().length > 0 &&
          permission.length <= MAX_FIELD_CHARS,
      )
    ) {
      problems.push('permissions must be non-empty strings');
    }
  }
  if (context.labels !== undefined) {
    const labels = isObject(context.labels) ? Object.entries(context.labels) : undefined;
    if (labels === undefined || labels.length > MAX_LABELS) {
      problems.push(`labels must be an object of at most ${MAX_LABELS} entries`);
    } else {
      for (const [key, value] of labels) {
        text(key, `labels key "${key.slice(0, 32)}"`, true, MAX_LABEL_KEY_CHARS);
        text(value, `labels["${key.slice(0, 32)}"]`, true);
      }
    }
  }
  const expiresAt = time(context.expiresAt, 'expiresAt');
  if (expiresAt === 0) problems.push('expiresAt must be after 1970');
  if (problems.length > 0) {
    throw new TaplineError('TAPLINE_ERR_INVALID_CONTEXT', `invalid session context: ${problems.join('; ')}`, {
      component: 'recorder',
      details: { problems },
    });
  }
  if (expiresAt !== undefined && expiresAt <= now) {
    throw new TaplineError(
      'TAPLINE_ERR_GRANT_EXPIRED',
      `the grant expired at ${new Date(expiresAt).toISOString()}`,
      {
        component: 'recorder',
      },
    );
  }
  const { expiresAt: _input, ...rest } = context;
  return {
    ...rest,
    sessionId: context.sessionId ?? randomUUID(),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/** Unix ms of a date or number, or undefined when it is not a whole, printable time. */
export function toMillis(value: number | Date): number | undefined {
  const ms = value instanceof Date ? value.getTime() : value;
  return typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_TIME_MS ? ms : undefined;
}
