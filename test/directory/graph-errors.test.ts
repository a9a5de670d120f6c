// How Graph failures become the directory's errors: what callers retry, what they give up on.

import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../src/directory/graph-errors.js';

function graphError(statusCode: number, code?: string): GraphError {
  const error = new GraphError(statusCode, 'quoted person@contoso.com');
  if (code) error.code = code;
  return error;
}

describe('toAppError', () => {
  it('reads a request that got no answer (the SDK says -1: an abort after the timeout, a network error) as unavailable', () => {
    const error = toAppError(graphError(-1, 'AbortError'));
    expect(error.code).toBe('directory.unavailable');
    expect(error.message).toBe('Graph call got no answer (AbortError)');
  });

  it('keeps the other classes apart, and never repeats what Graph quoted', () => {
    expect(toAppError(graphError(404)).code).toBe('directory.not-found');
    expect(toAppError(graphError(403)).code).toBe('directory.denied');
    expect(toAppError(graphError(429)).code).toBe('directory.throttled');
    expect(toAppError(graphError(503)).code).toBe('directory.unavailable');
    expect(toAppError(graphError(400, 'badRequest')).code).toBe('directory.failed');
    expect(toAppError(graphError(400, 'badRequest')).message).toBe('Graph call failed with 400 (badRequest)');
    expect(toAppError(graphError(404)).message).not.toContain('contoso');
  });
});
