// What a delivery to Teams can fail with, as the outbox's sender needs to know it: why it failed, and where. None of
// these ends a row: the sender re-queues it without spending one of its attempts (only a person-level refusal, or
// Teams refusing this very message again and again, ends one).

/**
 * - `outage`: the endpoint did not answer, or answered 5xx (counts towards its circuit breaker);
 * - `endpoint-down`: not tried at all, the endpoint's breaker is open;
 * - `throttled`: 429 (the shared limiter waits out Retry-After);
 * - `tenant`: refused for the whole tenant (the bot's credentials, the app blocked by an admin);
 * - `transient`: this one message, not now (Teams has not caught up with an install yet, a 412).
 */
export type RetryReason = 'outage' | 'endpoint-down' | 'throttled' | 'tenant' | 'transient';

export interface RetryDetails {
  reason?: RetryReason;
  /** Which endpoint: `connector:<service URL>` or `graph`. */
  endpoint?: string;
  /** The service's error code, when it gave one (`BotDisabledByAdmin`). */
  code?: string;
}

/** A failure worth another attempt; `retryAfterMs` when the service (or an open breaker) said when. */
export class RetryableDeliveryError extends Error {
  readonly reason: RetryReason;
  readonly endpoint: string | undefined;
  readonly code: string | undefined;

  constructor(
    message: string,
    readonly retryAfterMs?: number,
    details: RetryDetails = {},
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
    this.reason = details.reason ?? 'transient';
    this.endpoint = details.endpoint;
    this.code = details.code;
  }
}

/** The endpoint names breakers and errors use. */
export const GRAPH_ENDPOINT = 'graph';
export function connectorEndpoint(serviceUrl: string): string {
  return `connector:${serviceUrl}`;
}

/**
 * How the messenger asks whether an endpoint may be called now, and tells what came of a call. The outbox's circuit
 * breakers implement it; without one every call goes.
 */
export interface EndpointGuard {
  /** True when a call may go now (the endpoint is up, or it is this call's turn to probe it). */
  permit(endpoint: string): boolean;
  /** The endpoint answered (any answer but a 5xx). */
  answered(endpoint: string): void;
  /** No answer, a timeout, a reset or a 5xx. */
  failed(endpoint: string): void;
  /** When a call to the endpoint may next go (epoch ms). */
  nextPermitAt(endpoint: string): number;
}
