// The outreach benchmark's faults: outages of the Bot Connector (503s, or 401s for the whole tenant) and of Graph
// (503s, or answers held past the bot's time limit) for a number of seconds, and a number of connections reset
// (chat writes Teams accepted whose answer is lost, Graph requests cut off). They are injected into the emulators of
// the benchmark's own process; the timed ones start when the first invitation arrives (or --fault-at seconds after
// the bot is ready) and run one after the other. What was applied, when, and how many calls it hit go into the JSON.

/** The flags, their meaning, and what each injects. */
export const FAULT_OPTIONS = {
  'outage-503': { type: 'string' },
  unauthorized: { type: 'string' },
  'graph-outage': { type: 'string' },
  'graph-timeouts': { type: 'string' },
  resets: { type: 'string' },
  'graph-resets': { type: 'string' },
  'fault-at': { type: 'string' },
};

/** A Graph timeout the bot is started with when --graph-timeouts is given, and how long such answers are held. */
export const GRAPH_TIMEOUT_SECONDS = 2;
const HELD_MS = (GRAPH_TIMEOUT_SECONDS + 1) * 1000;

/**
 * @param {Record<string, string | undefined>} values parsed options
 * @param {(name: string, min: number, max: number) => number} wholeNumber
 */
export function faultPlan(values, wholeNumber) {
  const seconds = (name) => (values[name] === undefined ? 0 : wholeNumber(name, 1, 24 * 3600));
  const count = (name) => (values[name] === undefined ? 0 : wholeNumber(name, 1, 1_000_000));
  return {
    outage503: seconds('outage-503'),
    unauthorized: seconds('unauthorized'),
    graphOutage: seconds('graph-outage'),
    graphTimeouts: seconds('graph-timeouts'),
    resets: count('resets'),
    graphResets: count('graph-resets'),
    at: values['fault-at'] === undefined ? undefined : wholeNumber('fault-at', 0, 24 * 3600),
  };
}

export function anyFault(plan) {
  return plan.outage503 + plan.unauthorized + plan.graphOutage + plan.graphTimeouts + plan.resets + plan.graphResets > 0;
}

/** Runs the plan against the emulators: call tick() on every poll of the benchmark. */
export class FaultRunner {
  #phases;
  #current;
  #log = [];
  #connectorIds = [];
  #graphIds = [];

  constructor(demo, plan) {
    this.demo = demo;
    this.plan = plan;
    // The timed outages, in this order, one after the other.
    this.#phases = [
      plan.outage503 && { name: 'outage_503', seconds: plan.outage503, start: () => this.#connector({ path: '/v3/', status: 503 }) },
      plan.unauthorized && { name: 'unauthorized', seconds: plan.unauthorized, start: () => this.#connector({ path: '/v3/', status: 401 }) },
      plan.graphOutage && { name: 'graph_outage', seconds: plan.graphOutage, start: () => this.#graph({ path: /^\/(v1\.0|beta)\//, status: 503 }) },
      plan.graphTimeouts && { name: 'graph_timeouts', seconds: plan.graphTimeouts, start: () => this.#graph({ path: /^\/(v1\.0|beta)\//, delayMs: HELD_MS }) },
    ].filter(Boolean);
    // The counted ones from the start: they are used up as the calls come.
    if (plan.resets) demo.connector.faults.add({ method: 'POST', path: '/v3/conversations', drop: 'answer', times: plan.resets });
    if (plan.graphResets) demo.graph.faults.add({ path: /^\/(v1\.0|beta)\//, reset: true, times: plan.graphResets });
  }

  /** `readyAt` and `now` in ms; `firstInvited`: whether an invitation has arrived yet. */
  tick(readyAt, now, firstInvited) {
    if (this.#current && now >= this.#current.endsAt) this.#end(readyAt, now);
    if (this.#current || this.#phases.length === 0) return;
    const due = this.plan.at === undefined ? firstInvited : now - readyAt >= this.plan.at * 1000;
    if (!due && this.#log.length === 0) return;
    const phase = this.#phases.shift();
    phase.start();
    this.#current = { ...phase, startedAt: now, endsAt: now + phase.seconds * 1000 };
  }

  /** True while a timed outage is on. */
  get active() {
    return this.#current !== undefined;
  }

  /** When the last timed outage ended (ms), or undefined. */
  get lastEndedAt() {
    return this.#log.at(-1)?.endedAtMs;
  }

  /** What was applied, for the JSON; call after the run. */
  summary(readyAt, now) {
    if (this.#current) this.#end(readyAt, now);
    const connectorFaulted = this.demo.connector.requests().filter((request) => request.faulted).length;
    return {
      outage_503_s: this.plan.outage503 || null,
      unauthorized_s: this.plan.unauthorized || null,
      graph_outage_s: this.plan.graphOutage || null,
      graph_timeouts_s: this.plan.graphTimeouts || null,
      resets: this.plan.resets || null,
      graph_resets: this.plan.graphResets || null,
      applied: this.#log.map(({ endedAtMs: _ended, ...entry }) => entry),
      not_reached: this.#phases.map((phase) => phase.name),
      // Calls the faults answered (the connector keeps its latest 10 000 calls).
      connector_calls_faulted: connectorFaulted,
      graph_calls_faulted: this.demo.graph.calls.list().filter((call) => call.status === 0 || call.status === 503).length,
    };
  }

  #end(readyAt, now) {
    const phase = this.#current;
    for (const id of this.#connectorIds.splice(0)) this.demo.connector.faults.remove(id);
    for (const id of this.#graphIds.splice(0)) this.demo.graph.faults.remove(id);
    this.#log.push({ fault: phase.name, from_s: round((phase.startedAt - readyAt) / 1000), to_s: round((now - readyAt) / 1000), endedAtMs: now });
    this.#current = undefined;
  }

  #connector(spec) {
    this.#connectorIds.push(this.demo.connector.faults.add(spec));
  }

  #graph(spec) {
    this.#graphIds.push(this.demo.graph.faults.add(spec).id);
  }
}

function round(value) {
  return Math.round(value * 10) / 10;
}
