// The one error type of Passkey Coach: a stable code, a message safe to show a user (named by key: the words are in
// strings/<locale>/errors.json, said in the reader's language where the error becomes a reply), and whose fault it is.


export type ErrorCode =
  | 'config.invalid'
  | 'config.port-unavailable'
  | 'request.malformed'
  | 'request.too-large'
  | 'request.unauthorized'
  | 'request.forbidden'
  | 'request.not-found'
  | 'service.unavailable'
  | 'store.conflict'
  | 'store.not-found'
  | 'store.already-exists'
  | 'store.lease-held'
  | 'store.unusable'
  | 'audit.broken-chain'
  | 'card.invalid'
  | 'directory.not-found'
  | 'directory.denied'
  | 'directory.throttled'
  | 'directory.unavailable'
  | 'directory.failed'
  | 'verifiedid.unavailable'
  | 'verifiedid.refused'
  | 'internal';

/** What a person may read, by key (`errors.store.conflict`) and the values it needs; never secrets. */
export interface UserMessage {
  key: string;
  params?: Readonly<Record<string, string | number>>;
}

export interface AppErrorOptions {
  /** What a person may read in Teams, the tab or a terminal. */
  userMessage?: UserMessage;
  /** True when the caller (user, admin, sender) did something wrong, false when we did. */
  userFault?: boolean;
  cause?: unknown;
  /** Extra structured facts for logs; passed through redaction like everything logged. */
  details?: Record<string, unknown>;
}

/** What a person reads when nothing more specific can be said. */
export const GENERIC_USER_MESSAGE: UserMessage = { key: 'bot.somethingWrong' };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: UserMessage;
  readonly userFault: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.userMessage = options.userMessage ?? GENERIC_USER_MESSAGE;
    this.userFault = options.userFault ?? false;
    this.details = options.details;
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

