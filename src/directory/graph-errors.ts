// Graph failures as the product's one error type, whatever part of the Graph adapter met them.

import type { GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/** Graph failures as the product's one error type; the message never carries a token or a pass. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError('directory.failed', `Graph answered in an unexpected shape: ${error.issues[0]?.message ?? 'invalid'}`, { cause: error });
  }
  const graph = error as Partial<GraphError> & { message?: string };
  const statusCode = typeof graph.statusCode === 'number' ? graph.statusCode : undefined;
  const details = { statusCode, graphCode: graph.code, requestId: graph.requestId };
  // Graph's own message often quotes the UPN or id asked for; the code and request id are enough to trace it.
  const answered = statusCode !== undefined && statusCode > 0;
  const message = answered
    ? `Graph call failed with ${statusCode}${graph.code ? ` (${graph.code})` : ''}`
    : `Graph call got no answer${graph.code ? ` (${graph.code})` : `: ${graph.name ?? 'network error'}`}`;
  if (statusCode === 404) return new AppError('directory.not-found', message, { details, userMessage: { key: 'errors.directory.notFound' }, userFault: true });
  if (statusCode === 401 || statusCode === 403) return new AppError('directory.denied', message, { details, userMessage: { key: 'errors.directory.denied' } });
  if (statusCode === 429) return new AppError('directory.throttled', message, { details, userMessage: { key: 'errors.directory.throttled' } });
  // The SDK reports a request that got no answer (a network error, a timeout's abort) with status -1.
  if (statusCode === undefined || statusCode <= 0 || statusCode >= 500) return new AppError('directory.unavailable', message, { details, userMessage: { key: 'errors.directory.unavailable' } });
  return new AppError('directory.failed', message, { details, cause: error });
}
