// The circuit breaker as a pure unit on a virtual clock: a run of failures across rows opens it, nothing but one probe
// goes while it is open, a failed probe waits longer, the first answer closes it; the sender takes nothing, one, or all.

import { describe, expect, it } from 'vitest';
import { CircuitBreaker, EndpointBreakers } from '../../src/outbox/circuit-breaker.js';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now, advance: (ms: number) => (state.now += ms) };
}

const options = (now: () => number) => ({ failuresToOpen: 5, firstProbeDelayMs: 5_000, maxProbeDelayMs: 30_000, probeTimeoutMs: 60_000, now });

describe('one endpoint', () => {
  it('opens after five failures in a row, and an answer in between starts the count again', () => {
    const time = clock();
    const breaker = new CircuitBreaker('connector:x', options(time.now));
    for (let i = 0; i < 4; i++) breaker.failed();
    breaker.answered();
    for (let i = 0; i < 4; i++) breaker.failed();
    expect(breaker.state()).toBe('closed');
    breaker.failed();
    expect(breaker.state()).toBe('open');
    expect(breaker.permit()).toBe(false);
    expect(breaker.nextPermitAt()).toBe(time.state.now + 5_000);
  });

  it('lets one probe through at its time, waits twice as long after a failed probe (up to 30 s), and closes on an answer', () => {
    const time = clock();
    const opened: string[] = [];
    const closed: number[] = [];
    const breaker = new CircuitBreaker('graph', options(time.now), { opened: (endpoint) => opened.push(endpoint), closed: (_endpoint, downMs) => closed.push(downMs) });
    for (let i = 0; i < 5; i++) breaker.failed();
    expect(opened).toEqual(['graph']);
    time.advance(5_000);
    expect(breaker.permit()).toBe(true);
    expect(breaker.permit()).toBe(false);
    expect(breaker.state()).toBe('probing');
    // While the probe is out its answer decides within moments: callers look again in a second, not at its time limit.
    expect(breaker.nextPermitAt()).toBe(time.state.now + 1_000);
    breaker.failed();
    expect(breaker.nextPermitAt()).toBe(time.state.now + 10_000);
    // Calls that left before it opened come back failing too: they do not push the next probe on.
    breaker.failed();
    expect(breaker.nextPermitAt()).toBe(time.state.now + 10_000);
    for (const delay of [10_000, 20_000, 30_000, 30_000]) {
      time.advance(delay);
      expect(breaker.permit()).toBe(true);
      breaker.failed();
    }
    expect(breaker.nextPermitAt()).toBe(time.state.now + 30_000);
    time.advance(30_000);
    expect(breaker.permit()).toBe(true);
    breaker.answered();
    expect(breaker.state()).toBe('closed');
    expect(closed).toEqual([125_000]);
    expect(breaker.permit()).toBe(true);
  });

  it('takes a probe that never reports as lost after a minute, and lets another go', () => {
    const time = clock();
    const breaker = new CircuitBreaker('graph', options(time.now));
    for (let i = 0; i < 5; i++) breaker.failed();
    time.advance(5_000);
    expect(breaker.permit()).toBe(true);
    time.advance(59_000);
    expect(breaker.permit()).toBe(false);
    time.advance(1_000);
    expect(breaker.permit()).toBe(true);
  });
});

describe('what the sender may take', () => {
  it('everything while the Bot Connector answers; nothing but a probe while it does not; Graph down holds nothing back', () => {
    const time = clock();
    const breakers = new EndpointBreakers(options(time.now));
    for (let i = 0; i < 5; i++) breakers.failed('graph');
    expect(breakers.dispatch()).toEqual({ mode: 'all' });
    expect(breakers.permit('graph')).toBe(false);
    for (let i = 0; i < 5; i++) breakers.failed('connector:https://smba.example/emea/');
    expect(breakers.dispatch()).toEqual({ mode: 'none', until: time.state.now + 5_000 });
    time.advance(5_000);
    expect(breakers.dispatch()).toEqual({ mode: 'one' });
    expect(breakers.permit('connector:https://smba.example/emea/')).toBe(true);
    expect(breakers.dispatch().mode).toBe('none');
    breakers.answered('connector:https://smba.example/emea/');
    expect(breakers.dispatch()).toEqual({ mode: 'all' });
    expect(breakers.openEndpoints()).toEqual(['graph']);
  });
});
