// The Bot Connector's error answers: status, `{"error": {"code", "message"}}` body and, for throttling, Retry-After.
// Codes and messages follow msteams-docs "Status codes from bot conversational APIs".

export class ConnectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  get body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** What the real service answers, word for word, when the bearer token is missing or invalid. */
export const UNAUTHORIZED_BODY = Object.freeze({ message: 'Authorization has been denied for this request.' });

export const connectorErrors = {
  badArgument: (message: string) => new ConnectorError(400, 'BadArgument', message),
  /** Teams' answer to a `29:` id it cannot map to a user of this bot. */
  unknownPairwiseId: () => new ConnectorError(400, 'BadArgument', 'Failed to decrypt pairwise id'),
  conversationNotFound: () => new ConnectorError(404, 'ConversationNotFound', 'Conversation not found.'),
  activityNotFound: () => new ConnectorError(404, 'ActivityNotFoundInConversation', 'Conversation not found.'),
  memberNotFound: () => new ConnectorError(404, 'MemberNotFoundInConversation', 'The specified member is not found in this conversation.'),
  blockedByUser: () => new ConnectorError(403, 'ConversationBlockedByUser', 'User blocked the conversation with the bot.'),
  notInstalled: () => new ConnectorError(403, 'ForbiddenOperationException', "Bot isn't installed in user's personal scope"),
  notInRoster: () => new ConnectorError(403, 'BotNotInConversationRoster', "The bot isn't part of the conversation roster."),
  tooBig: () => new ConnectorError(413, 'MessageSizeTooBig', 'Message size too large.'),
  requestTooLarge: () => new ConnectorError(413, 'RequestEntityTooLarge', 'The request body is too large.'),
  throttled: (retryAfter: number) => new ConnectorError(429, 'Throttled', 'Too many requests.', retryAfter),
  notFound: (method: string, path: string) => new ConnectorError(404, 'NotFound', `No route for ${method} ${path}.`),
  methodNotAllowed: (method: string, path: string) => new ConnectorError(405, 'MethodNotAllowed', `${method} is not supported on ${path}.`),
  serviceError: () => new ConnectorError(500, 'ServiceError', 'The emulator failed to handle the request.'),
};

export type FaultStatus = 401 | 403 | 404 | 412 | 429 | 500 | 502 | 503 | 504;
export const FAULT_STATUSES: readonly FaultStatus[] = [401, 403, 404, 412, 429, 500, 502, 503, 504];

const FAULT_DEFAULTS: Record<FaultStatus, { code: string; message: string }> = {
  // The bot's token refused for every call: expired credentials, a deleted registration.
  401: { code: 'BotNotRegistered', message: 'No registration found for this bot.' },
  403: { code: 'ConversationBlockedByUser', message: 'User blocked the conversation with the bot.' },
  404: { code: 'ConversationNotFound', message: 'Conversation not found.' },
  412: { code: 'PreconditionFailed', message: 'Precondition failed, please try again.' },
  429: { code: 'Throttled', message: 'Too many requests.' },
  500: { code: 'ServiceError', message: 'Internal server error.' },
  502: { code: 'ServiceError', message: 'Service dependency issue.' },
  503: { code: 'ServiceUnavailable', message: 'Service is unavailable.' },
  504: { code: 'GatewayTimeout', message: 'Gateway Timeout.' },
};

export function faultError(status: FaultStatus, overrides: { code?: string; message?: string; retryAfterSeconds?: number }): ConnectorError {
  const defaults = FAULT_DEFAULTS[status];
  return new ConnectorError(status, overrides.code ?? defaults.code, overrides.message ?? defaults.message, overrides.retryAfterSeconds);
}
