// The service's metrics and spans, through the OpenTelemetry API. Whoever runs the process decides where they go
// (src/telemetry/bootstrap.ts: Application Insights, the console, or nowhere); this file only names what is measured
// and keeps every attribute to a short list of words, so no name, address, id or secret can reach an exporter.

import { type Attributes, type Meter, metrics, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

export const TELEMETRY_SCOPE = 'passkey-coach';

/** Every metric the service reports: the names Application Insights shows in `customMetrics` and the alerts query. */
export const METRIC = {
  turns: 'coach.turns',
  turnDuration: 'coach.turn.duration',
  replies: 'coach.replies',
  httpResponses: 'coach.http.responses',
  outboxDepth: 'coach.outbox.depth',
  outboxOldestAge: 'coach.outbox.oldest_age',
  sends: 'coach.sends',
  retries: 'coach.send.retries',
  giveUps: 'coach.send.give_ups',
  expiries: 'coach.send.expiries',
  cancellations: 'coach.send.cancellations',
  sendingPaused: 'coach.sending.paused',
  sendWindow: 'coach.send.window',
  sendInFlight: 'coach.send.in_flight',
  circuitState: 'coach.circuit.state',
  graphCalls: 'coach.graph.calls',
  graphThrottles: 'coach.graph.throttles',
  passRequests: 'coach.pass_requests',
  passRequestsExpiring: 'coach.pass_requests.expiring',
  escalations: 'coach.escalations',
  anchorAge: 'coach.audit.anchor_age',
} as const;

/** The spans the service starts: a turn (a request, to Application Insights), a proactive send (a queued item processed), a Graph call (a dependency). */
export const SPAN = { turn: 'coach.turn', send: 'coach.send', graph: 'graph.call' } as const;

/**
 * Instruments are looked up when a part of the service is built, not when this module loads: the metrics API has no
 * stand-in that picks up a provider registered later, so a meter taken before the provider would measure nothing.
 */
export function coachMeter(): Meter {
  return metrics.getMeter(TELEMETRY_SCOPE);
}

export function coachTracer(): Tracer {
  return trace.getTracer(TELEMETRY_SCOPE);
}

/**
 * An attribute value as exported: a word from the service's own vocabulary (a kind, a state, a reason code, a route
 * template), or `other`. Anything that could be a person's name (capitals, spaces), an address (`@`), an object id or
 * a token (long runs of hex or digits) does not get through, whatever a caller passes.
 */
export function word(value: string | undefined): string {
  if (value === undefined || value === '') return 'none';
  if (value.length > 64 || !/^[a-z0-9/][a-z0-9_.:/{}+$-]*$/.test(value)) return 'other';
  if (/[0-9a-f]{8,}/.test(value.replace(/-/g, '')) || /\d{5,}/.test(value)) return 'other';
  return value;
}

/** Attributes made of words (see `word`) and numbers only. */
export function wordsOf(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const safe: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    safe[key] = typeof value === 'string' ? word(value) : value;
  }
  return safe;
}

/** `2xx`, `4xx`, `5xx`…; `none` when no answer came. */
export function statusClass(status: number | undefined): string {
  return status === undefined || !Number.isFinite(status) || status < 100 ? 'none' : `${Math.floor(status / 100)}xx`;
}

/**
 * The code of a reason as the outbox writes it, for counting: `blocked-app: …` → `blocked-app`; the code-less phrases
 * of the features ("the campaign had ended") → `the-campaign-had-ended`; anything with a name or an id in it → `other`.
 */
export function reasonCode(reason: string | undefined): string {
  if (reason === undefined) return 'none';
  const coded = /^([a-z][a-z0-9-]{1,40}):/.exec(reason);
  if (coded?.[1]) return coded[1];
  if (/^gave up after \d+ attempts/.test(reason)) return 'attempts-exhausted';
  if (/^[a-z]+( [a-z]+){0,7}$/.test(reason)) return reason.replace(/ /g, '-');
  return 'other';
}

/**
 * Runs `work` inside a span; the span ends with it, marked as an error when it throws (the error's name only: its
 * message may hold what this file keeps out). `describe` adds attributes once the outcome is known.
 */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Record<string, string | number | undefined>, work: (span: Span) => Promise<T>): Promise<T> {
  return coachTracer().startActiveSpan(name, { kind, attributes: wordsOf(attributes) }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: word(error instanceof Error ? error.name.toLowerCase() : 'thrown') });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
