import { randomUUID } from 'node:crypto';
import { isUuid, TaplineError } from '@tapline/frames';
import type { SessionContext } from './contracts.js';

/** A validated SessionContext: session id set, times as Unix ms. */
export interface ValidContext extends SessionContext {
  sessionId: string;
  expiresAt?: number;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/**
 * Checks a grant before a session may start. Every problem found is listed in
 * one TAPLINE_ERR_INVALID_CONTEXT error (`details.problems`), so an
 * integrator fixes them all at once.
 */
export function validateContext(context: SessionContext, now: number = Date.now()): ValidContext {
  const problems: string[] = [];
  if (typeof context !== 'object' || context === null) {
    throw new TaplineError('TAPLINE_ERR_INVALID_CONTEXT', 'session context must be an object', {
      component: 'recorder',
    });
  }
  if (context.sessionId !== undefined && !isUuid(context.sessionId))
    problems.push('sessionId must be a UUID');
  if (!nonEmpty(context.protocol)) problems.push('protocol is required');
  if (!nonEmpty(context.user?.id)) problems.push('user.id is required');
  if (!nonEmpty(context.accessRequestId)) problems.push('accessRequestId is required');
  if (!nonEmpty(context.resource?.id)) problems.push('resource.id is required');
  if (!nonEmpty(context.resource?.type)) problems.push('resource.type is required');
  for (const [index, approver] of (context.approvers ?? []).entries()) {
    if (!nonEmpty(approver?.id)) problems.push(`approvers[${index}].id is required`);
  }
  if (context.accessFlow !== undefined && !nonEmpty(context.accessFlow.id))
    problems.push('accessFlow.id is required');
  if (context.permissions !== undefined && !context.permissions.every(nonEmpty)) {
    problems.push('permissions must be non-empty strings');
  }
  const expiresAt = context.expiresAt === undefined ? undefined : toMillis(context.expiresAt);
  if (context.expiresAt !== undefined && expiresAt === undefined)
    problems.push('expiresAt must be a date or Unix ms');
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

export function toMillis(value: number | Date): number | undefined {
  const ms = value instanceof Date ? value.getTime() : value;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}
