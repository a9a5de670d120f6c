// What a delivery to Teams can fail with, as the outbox's sender needs to know it: worth another attempt, or not.

/** A failure worth another attempt (throttled, a 5xx, a timeout); `retryAfterMs` when the service said when. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}
