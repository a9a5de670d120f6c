// The tenant-wide pause as a pure unit on a virtual clock: refusals of different people in a row pause sending, the
// admins are told once, probes go at growing intervals, the first message through resumes; a person an admin blocked
// alone is told apart from a blocked tenant.

import { describe, expect, it } from 'vitest';
import { TenantPause } from '../../src/outbox/tenant-pause.js';

function setup() {
  const time = { now: Date.parse('2026-12-01T10:00:00Z') };
  const events: string[] = [];
  const pause = new TenantPause(
    { refusalsToPause: 3, firstProbeDelayMs: 15_000, maxProbeDelayMs: 300_000, now: () => time.now },
    { paused: (info) => events.push(`paused ${info.code} ${info.since}`), resumed: (info, ms) => events.push(`resumed ${info.code} after ${ms}`) },
  );
  return { time, events, pause };
}

describe('a tenant-wide refusal', () => {
  it('pauses after three different people are refused in a row, and resumes at the first message through', () => {
    const { time, events, pause } = setup();
    pause.refused('a', '401', 'Teams refused the bot (401)');
    pause.refused('a', '401', 'Teams refused the bot (401)');
    pause.refused('b', '401', 'Teams refused the bot (401)');
    expect(pause.dispatch()).toEqual({ mode: 'all' });
    pause.refused('c', '401', 'Teams refused the bot (401)');
    expect(events).toEqual(['paused 401 2026-12-01T10:00:00.000Z']);
    expect(pause.current()?.code).toBe('401');
    expect(pause.dispatch()).toEqual({ mode: 'none', until: time.now + 15_000 });
    expect(pause.retryAt(2_000)).toBe(time.now + 15_000);
    // Rows in flight when it paused come back refused: that is no probe.
    pause.refused('d', '401', 'Teams refused the bot (401)');
    expect(pause.dispatch()).toEqual({ mode: 'none', until: time.now + 15_000 });
    time.now += 15_000;
    expect(pause.dispatch()).toEqual({ mode: 'one' });
    pause.refused('e', '401', 'Teams refused the bot (401)');
    expect(pause.dispatch()).toEqual({ mode: 'none', until: time.now + 30_000 });
    time.now += 30_000;
    pause.delivered();
    expect(pause.dispatch()).toEqual({ mode: 'all' });
    expect(events[1]).toBe('resumed 401 after 45000');
    expect(pause.current()).toBeUndefined();
  });

  it('does not pause when messages to others get through between refusals', () => {
    const { events, pause } = setup();
    for (const person of ['a', 'b', 'c', 'd', 'e']) {
      pause.refused(person, '403 BotDisabledByAdmin', 'blocked');
      pause.delivered();
    }
    expect(events).toEqual([]);
    expect(pause.dispatch()).toEqual({ mode: 'all' });
  });

  it("ends a row as this person's own block only on its third refusal in a row, while nothing is paused and others get through", () => {
    const { pause } = setup();
    const code = '403 BotDisabledByAdmin';
    expect(pause.personal(code, { code, streak: 2 })).toBe(false);
    pause.delivered();
    expect(pause.personal(code, {})).toBe(false);
    expect(pause.personal(code, { code, streak: 1 })).toBe(false);
    expect(pause.personal(code, { code, streak: 2 })).toBe(true);
    expect(pause.personal('401', { code: '401', streak: 5 })).toBe(false);
    for (const person of ['a', 'b', 'c']) pause.refused(person, code, 'blocked');
    expect(pause.personal(code, { code, streak: 5 })).toBe(false);
  });
});
