// Microsoft Graph's error envelope and the errors the emulator raises, shaped as Graph v1.0 sends them.

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string; message?: string };
  };
}

/** Thrown by route handlers; the dispatcher turns it into Graph's error body with the request's ids. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Some services (the TAP policy check among them) repeat the message inside innerError. */
    readonly innerMessage = false,
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

/** Graph writes innerError.date without fractional seconds or zone: "2025-02-13T10:17:05". */
export function innerErrorDate(now: number): string {
  return new Date(now).toISOString().slice(0, 19);
}

export function errorBody(error: GraphHttpError, ids: { requestId: string; clientRequestId: string; now: number }): GraphErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        ...(error.innerMessage ? { message: error.message } : {}),
        date: innerErrorDate(ids.now),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

export const notFound = (resource: string) =>
  new GraphHttpError(404, 'Request_ResourceNotFound', `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`);

export const badRequest = (message: string, code = 'BadRequest') => new GraphHttpError(400, code, message);

export const unsupportedQuery = (message: string) => new GraphHttpError(400, 'Request_UnsupportedQuery', message);

export const forbidden = (message = 'Insufficient privileges to complete the operation.') => new GraphHttpError(403, 'Authorization_RequestDenied', message);

export const invalidToken = (message: string) =>
  new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });

export const tooManyRequests = (retryAfterSeconds: number) =>
  new GraphHttpError(429, 'TooManyRequests', 'Too many requests. Retry after the number of seconds in the Retry-After header.', {
    'Retry-After': String(retryAfterSeconds),
  });

export const methodNotAllowed = () => new GraphHttpError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
