// The alerts infra/azure.bicep provisions, read as text (no Bicep compiler or KQL engine runs here). Each rule is data
// in infra/alert-rules.json: a query shape, the metrics it reads and a comparison; the Bicep fills the shape's KQL
// with the rule's metric names and the thresholds from its parameters. Here every shape's KQL sits beside a model of
// what that KQL computes, and each rule's model is run over sample customMetrics rows as the Azure Monitor
// OpenTelemetry exporter writes them (one row per instance, metric and attribute set every 60 s; a gauge's reading or a
// counter's delta in value and valueSum): the rule fires on the rows where it should and stays quiet where it should not.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC } from '../../src/telemetry/telemetry.js';

/**
 * The metric contract the service exports (customMetrics.name; attributes land in customDimensions), with each one's
 * kind; the rules may name nothing else, and every name here is one the service reports (src/telemetry/telemetry.ts).
 */
const COACH_METRICS = {
  'coach.outbox.depth': 'gauge',
  'coach.outbox.oldest_age': 'gauge',
  'coach.sends': 'counter',
  'coach.send.retries': 'counter',
  'coach.send.give_ups': 'counter',
  'coach.send.expiries': 'counter',
  'coach.sending.paused': 'gauge',
  'coach.circuit.state': 'gauge',
  'coach.graph.calls': 'counter',
  'coach.graph.throttles': 'counter',
  'coach.pass_requests': 'gauge',
  'coach.pass_requests.expiring': 'gauge',
  'coach.escalations': 'gauge',
  'coach.audit.anchor_age': 'gauge',
  'coach.http.responses': 'counter',
  'coach.turns': 'counter',
  'coach.turn.duration': 'histogram',
} as const;

type MetricName = keyof typeof COACH_METRICS;

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (...parts: string[]) => readFileSync(path.join(root, ...parts), 'utf8');
const bicep = read('infra', 'azure.bicep');
const parameterFile = JSON.parse(read('infra', 'azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };
const devEnv = read('env', '.env.dev');
const runbook = read('docs', 'runbook.md');

interface RuleData {
  name: string;
  displayName: string;
  description: string;
  severity: number;
  evaluationFrequency: string;
  windowSize: string;
  shape: ShapeName;
  metric: MetricName;
  otherMetric?: MetricName;
  dimension?: string;
  dimensionValue?: string;
  operator: 'GreaterThan' | 'GreaterThanOrEqual';
}
const ruleFile = JSON.parse(read('infra', 'alert-rules.json')) as { shapes: Record<string, string>; rules: RuleData[] };

// ---- What each shape's KQL computes -------------------------------------------------------------------------------

/** One customMetrics row: `at` in ms; for a gauge or counter value = valueSum (valueCount 1). */
interface MetricRow {
  at: number;
  name: MetricName;
  value: number;
  valueSum: number;
  instance: string;
  dimensions: Record<string, string>;
}

/** A rule with its thresholds resolved, as the Bicep deploys it. */
interface Rule extends RuleData {
  threshold: number;
  minCount: number;
  maxCount: number;
  maxPercent: number;
}

const MINUTE = 60_000;
const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
const min = (values: number[]) => values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);

/** Whether part of a sum is too much: more than maxCount, or at least minCount and more than maxPercent of the whole. */
function tooMuch(part: number, whole: number, rule: Rule): number | undefined {
  if (!(whole > 0)) return undefined;
  const percent = (100 * part) / whole;
  return part > rule.maxCount || (part >= rule.minCount && percent > rule.maxPercent) ? 1 : 0;
}

type ShapeName = 'newest' | 'pausedRun' | 'shareOfMetrics' | 'shareOfDimension';

/**
 * Each shape's KQL (exactly as infra/alert-rules.json holds it) and a model of what it computes over the window's rows:
 * the value the rule compares, or undefined when the query returns no row (the rule stays quiet).
 */
const SHAPES: Record<ShapeName, { kql: string[]; measure: (rows: MetricRow[], rule: Rule) => number | undefined }> = {
  // The worst reading among the newest: every live instance exports each minute, so two minutes before the newest row
  // hold each live instance's latest reading, and an instance that stopped (its last rows older) no longer counts.
  newest: {
    kql: [
      "let rows = customMetrics | where name == '{metric}';",
      'let newest = toscalar(rows | summarize max(timestamp));',
      'rows',
      '| where timestamp > newest - 2m',
      '| summarize value = max(value)',
      '| where isnotnull(value)',
    ],
    measure(rows, rule) {
      const own = rows.filter((row) => row.name === rule.metric);
      if (own.length === 0) return undefined;
      const newest = max(own.map((row) => row.at));
      return max(own.filter((row) => row.at > newest - 2 * MINUTE).map((row) => row.value));
    },
  },
  // How many minutes, counting back from the newest, the gauge has been 1 on any instance: minutes with no row do not
  // break the run; a minute at 0 on every instance does.
  pausedRun: {
    kql: [
      'customMetrics',
      "| where name == '{metric}'",
      '| summarize paused = max(value) by minute = bin(timestamp, 1m)',
      '| summarize last = max(minute), first = min(minute), lastRunning = maxif(minute, paused < 1)',
      '| where isnotnull(last)',
      "| project value = iff(isnull(lastRunning), datetime_diff('minute', last, first) + 1, datetime_diff('minute', last, lastRunning))",
    ],
    measure(rows, rule) {
      const paused = new Map<number, number>();
      for (const row of rows) {
        if (row.name !== rule.metric) continue;
        const minute = Math.floor(row.at / MINUTE);
        paused.set(minute, Math.max(paused.get(minute) ?? Number.NEGATIVE_INFINITY, row.value));
      }
      if (paused.size === 0) return undefined;
      const minutes = [...paused.keys()];
      const running = minutes.filter((minute) => paused.get(minute)! < 1);
      return running.length === 0 ? max(minutes) - min(minutes) + 1 : max(minutes) - max(running);
    },
  },
  // A counter against itself plus another, summed over every instance: give-ups among messages that ended.
  shareOfMetrics: {
    kql: [
      'customMetrics',
      "| where name in ('{metric}', '{otherMetric}')",
      "| summarize part = sumif(valueSum, name == '{metric}'), whole = sum(valueSum)",
      '| where whole > 0',
      '| extend percent = 100.0 * part / whole',
      '| project value = iff(part > {maxCount} or (part >= {minCount} and percent > {maxPercent}), 1, 0)',
    ],
    measure(rows, rule) {
      const own = rows.filter((row) => row.name === rule.metric || row.name === rule.otherMetric);
      const part = own.filter((row) => row.name === rule.metric).reduce((sum, row) => sum + row.valueSum, 0);
      return tooMuch(part, own.reduce((sum, row) => sum + row.valueSum, 0), rule);
    },
  },
  // One attribute value of a counter against all of it, summed over every instance: 5xx among responses.
  shareOfDimension: {
    kql: [
      'customMetrics',
      "| where name == '{metric}'",
      "| summarize part = sumif(valueSum, tostring(customDimensions['{dimension}']) == '{dimensionValue}'), whole = sum(valueSum)",
      '| where whole > 0',
      '| extend percent = 100.0 * part / whole',
      '| project value = iff(part > {maxCount} or (part >= {minCount} and percent > {maxPercent}), 1, 0)',
    ],
    measure(rows, rule) {
      const own = rows.filter((row) => row.name === rule.metric);
      const part = own.filter((row) => row.dimensions[rule.dimension!] === rule.dimensionValue).reduce((sum, row) => sum + row.valueSum, 0);
      return tooMuch(part, own.reduce((sum, row) => sum + row.valueSum, 0), rule);
    },
  },
};

// ---- The rules as deployed: the file, the template's thresholds and its query rendering -----------------------------

/** Defaults of the template's int parameters. */
const intParams = new Map([...bicep.matchAll(/^param (\w+) int = (\d+)$/gm)].map((match) => [match[1]!, Number(match[2])]));

/** `var alertSettings`: each rule's numbers, written as a literal, a parameter, or a parameter times a literal. */
function alertSettings(): Map<string, Record<string, number>> {
  const block = /^var alertSettings = \{\n([\s\S]*?)\n\}$/m.exec(bicep);
  if (!block) throw new Error('var alertSettings not found in infra/azure.bicep');
  const found = new Map<string, Record<string, number>>();
  let current: Record<string, number> | undefined;
  for (const line of block[1]!.split('\n')) {
    const rule = /^ {2}'([a-z0-9-]+)': \{$/.exec(line);
    if (rule) {
      current = {};
      found.set(rule[1]!, current);
    }
    const entry = /^ {4}(\w+): (?:(\d+)|(\w+)(?: \* (\d+))?)(?:\s*\/\/.*)?$/.exec(line);
    if (entry && current) {
      const [, key, literal, param, factor] = entry;
      const base = literal !== undefined ? Number(literal) : intParams.get(param!);
      if (base === undefined) throw new Error(`alertSettings ${key}: no int parameter ${param}`);
      current[key!] = base * Number(factor ?? 1);
    }
  }
  return found;
}

const settings = alertSettings();
const rules: Rule[] = ruleFile.rules.map((data) => ({ minCount: 0, maxCount: 0, maxPercent: 0, threshold: Number.NaN, ...data, ...settings.get(data.name) }));
const rule = (name: string) => rules.find((candidate) => candidate.name === name)!;

const PLACEHOLDERS = ['metric', 'otherMetric', 'dimension', 'dimensionValue', 'minCount', 'maxCount', 'maxPercent'] as const;

/** The query as the Bicep renders it: the shape with each placeholder replaced by the rule's value. */
function query(candidate: Rule): string {
  let text = ruleFile.shapes[candidate.shape]!;
  for (const name of PLACEHOLDERS) text = text.replaceAll(`{${name}}`, String(candidate[name] ?? ''));
  return text;
}

function windowMs(iso: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(iso);
  if (!match) throw new Error(`not a duration of hours and minutes: ${iso}`);
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * MINUTE;
}

const NOW = Date.UTC(2025, 2, 3, 10, 0, 0);

/** Whether the rule fires on these rows, evaluated at NOW over its window. */
function fires(candidate: Rule, rows: MetricRow[]): boolean {
  const inWindow = rows.filter((row) => row.at > NOW - windowMs(candidate.windowSize) && row.at <= NOW);
  const value = SHAPES[candidate.shape].measure(inWindow, candidate);
  if (value === undefined) return false;
  return candidate.operator === 'GreaterThan' ? value > candidate.threshold : value >= candidate.threshold;
}

/** One row per instance per minute for `minutes` minutes back from NOW (the newest a little before NOW). */
function series(name: MetricName, minutes: number, value: (minutesAgo: number) => number, options: { instance?: string; from?: number; dimensions?: Record<string, string> } = {}): MetricRow[] {
  const rows: MetricRow[] = [];
  const from = options.from ?? 0;
  for (let ago = from; ago < from + minutes; ago += 1) {
    const reading = value(ago);
    rows.push({ at: NOW - ago * MINUTE - 20_000, name, value: reading, valueSum: reading, instance: options.instance ?? 'a', dimensions: options.dimensions ?? {} });
  }
  return rows;
}
/** The same series from two instances, as store-wide gauges are reported. */
const both = (name: MetricName, minutes: number, value: (minutesAgo: number) => number) => [...series(name, minutes, value, { instance: 'a' }), ...series(name, minutes, value, { instance: 'b' })];
/** A counter's total spread evenly over `minutes` one-minute deltas on one instance. */
const spread = (name: MetricName, total: number, minutes: number, options: { instance?: string; dimensions?: Record<string, string> } = {}) => series(name, minutes, () => total / minutes, options);

// ---- The tests ------------------------------------------------------------------------------------------------------

describe('the alert rules the Bicep provisions', () => {
  it('are six, one per condition, each a log alert on Application Insights that notifies the action group and resolves itself', () => {
    expect(rules.map((candidate) => candidate.name).sort()).toEqual(['audit-anchor-stale', 'give-ups', 'http-5xx', 'outbox-not-draining', 'pass-request-expiring', 'sending-paused']);
    expect([...settings.keys()].sort()).toEqual(rules.map((candidate) => candidate.name).sort());
    expect(bicep).toMatch(/var alertFile = json\(loadTextContent\('alert-rules\.json'\)\)/);
    const resource = /resource alertRules 'Microsoft\.Insights\/scheduledQueryRules@2023-12-01' = \[for \(rule, i\) in alertRuleList: \{([\s\S]*?)\n\}\]/.exec(bicep);
    expect(resource).not.toBeNull();
    const body = resource![1]!;
    for (const expected of [
      /kind: 'LogAlert'/,
      /displayName: rule\.displayName/,
      /description: rule\.description/,
      /severity: rule\.severity/,
      /enabled: true/,
      /scopes: \[\n\s*appInsights\.id\n\s*\]/,
      /evaluationFrequency: rule\.evaluationFrequency/,
      /windowSize: rule\.windowSize/,
      /query: alertQueries\[i\]/,
      /timeAggregation: 'Maximum'/,
      /metricMeasureColumn: 'value'/,
      /operator: rule\.operator/,
      /threshold: rule\.threshold/,
      /numberOfEvaluationPeriods: 1/,
      /minFailingPeriodsToAlert: 1/,
      /autoMitigate: true/,
      /actionGroups: \[\n\s*actionGroup\.id\n\s*\]/,
    ]) {
      expect(body, String(expected)).toMatch(expected);
    }
    for (const candidate of rules) {
      expect(candidate.displayName, candidate.name).toMatch(/^Passkey Coach: [a-z]/);
      expect(candidate.description.length, candidate.name).toBeGreaterThan(80);
      expect(candidate.severity, candidate.name).toBeGreaterThanOrEqual(0);
      expect(candidate.severity, candidate.name).toBeLessThanOrEqual(4);
      expect(windowMs(candidate.evaluationFrequency), candidate.name).toBeLessThanOrEqual(windowMs(candidate.windowSize));
      expect(Number.isInteger(candidate.threshold), `${candidate.name} threshold`).toBe(true);
    }
  });

  it('render every placeholder of a shape from the rule, in the order the Bicep replaces them', () => {
    const chain = /^var alertQueries = \[for rule in alertRuleList: (.+)\]$/m.exec(bicep);
    expect(chain).not.toBeNull();
    const replaced = [...chain![1]!.matchAll(/'\{(\w+)\}', (?:string\()?rule\.(\w+)\)?\)/g)].map((match) => [match[1], match[2]]);
    expect(replaced).toEqual(PLACEHOLDERS.map((name) => [name, name]));
    expect(chain![1]).toContain('alertFile.shapes[rule.shape]');
    for (const candidate of rules) {
      const text = query(candidate);
      expect(text, candidate.name).not.toMatch(/\{\w+\}/);
      expect(text, candidate.name).not.toMatch(/''/);
      expect(text, candidate.name).toMatch(/customMetrics/);
    }
  });

  it("keep each shape's KQL and the model these tests run in step", () => {
    expect(Object.keys(ruleFile.shapes).sort()).toEqual(Object.keys(SHAPES).sort());
    for (const [name, shape] of Object.entries(SHAPES)) expect(ruleFile.shapes[name], name).toBe(shape.kql.join('\n'));
  });

  it('name only metrics the service reports', () => {
    expect(Object.values(METRIC)).toEqual(expect.arrayContaining(Object.keys(COACH_METRICS)));
  });

  it('read only metrics of the contract: gauges for readings, counters for sums', () => {
    for (const candidate of rules) {
      const names = [candidate.metric, candidate.otherMetric].filter((name): name is MetricName => name !== undefined);
      for (const name of names) {
        expect(Object.keys(COACH_METRICS), candidate.name).toContain(name);
        expect(COACH_METRICS[name], `${candidate.name}: ${name}`).toBe(candidate.shape.startsWith('share') ? 'counter' : 'gauge');
        expect(query(candidate), candidate.name).toContain(`'${name}'`);
      }
    }
    expect(rule('outbox-not-draining').metric).toBe('coach.outbox.oldest_age');
    expect(rule('sending-paused').metric).toBe('coach.sending.paused');
    expect([rule('give-ups').metric, rule('give-ups').otherMetric]).toEqual(['coach.send.give_ups', 'coach.sends']);
    expect(rule('pass-request-expiring').metric).toBe('coach.pass_requests.expiring');
    expect(rule('audit-anchor-stale').metric).toBe('coach.audit.anchor_age');
    expect([rule('http-5xx').metric, rule('http-5xx').dimension, rule('http-5xx').dimensionValue]).toEqual(['coach.http.responses', 'status_class', '5xx']);
  });

  it('compare against the documented defaults', () => {
    expect(rule('outbox-not-draining')).toMatchObject({ threshold: 30 * 60, operator: 'GreaterThan' });
    expect(rule('sending-paused')).toMatchObject({ threshold: 15, operator: 'GreaterThanOrEqual' });
    expect(rule('give-ups')).toMatchObject({ threshold: 0, maxCount: 25, minCount: 5, maxPercent: 5, windowSize: 'PT1H' });
    expect(rule('pass-request-expiring')).toMatchObject({ threshold: 0, operator: 'GreaterThan' });
    expect(rule('audit-anchor-stale')).toMatchObject({ threshold: 3 * 5 * 60, operator: 'GreaterThan' });
    expect(rule('http-5xx')).toMatchObject({ threshold: 0, maxCount: 100, minCount: 10, maxPercent: 5, windowSize: 'PT15M' });
    // The paused run is counted inside the window, so the window must be longer than the run it looks for.
    expect(/@maxValue\((\d+)\)[^\n]*\n(?:@[^\n]*\n)*param alertSendingPausedMinutes int/.exec(bicep)?.[1]).toBe('25');
    expect(rule('sending-paused').windowSize).toBe('PT30M');
  });
});

describe('outbox not draining', () => {
  const outbox = rule('outbox-not-draining');
  const age = (seconds: number) => () => seconds;

  it('fires when the oldest due message has waited longer than the threshold', () => {
    expect(fires(outbox, both('coach.outbox.oldest_age', 10, age(40 * 60)))).toBe(true);
    // Only one instance has exported this minute: its store-wide reading is enough.
    expect(fires(outbox, series('coach.outbox.oldest_age', 1, age(31 * 60)))).toBe(true);
  });

  it('stays quiet while messages go out in time, or wait only for working hours (not due, so age 0)', () => {
    expect(fires(outbox, both('coach.outbox.oldest_age', 10, age(10 * 60)))).toBe(false);
    expect(fires(outbox, [...both('coach.outbox.oldest_age', 10, age(0)), ...both('coach.outbox.depth', 10, () => 4_000)])).toBe(false);
  });

  it('forgets an instance that stopped reporting, and clears once the newest readings are back under', () => {
    const stopped = series('coach.outbox.oldest_age', 3, age(50 * 60), { instance: 'gone', from: 6 });
    expect(fires(outbox, [...stopped, ...series('coach.outbox.oldest_age', 5, age(0), { instance: 'a' })])).toBe(false);
    const drained = [...both('coach.outbox.oldest_age', 5, age(45 * 60)).map((row) => ({ ...row, at: row.at - 4 * MINUTE })), ...both('coach.outbox.oldest_age', 3, age(0))];
    expect(fires(outbox, drained)).toBe(false);
  });

  it('stays quiet with no readings at all (the service is silent: see the runbook)', () => {
    expect(fires(outbox, [])).toBe(false);
    expect(fires(outbox, both('coach.sends', 5, () => 3))).toBe(false);
  });
});

describe('sending paused', () => {
  const paused = rule('sending-paused');
  const since = (minutesAgo: number) => (ago: number) => (ago < minutesAgo ? 1 : 0);

  it('fires once Teams has refused the tenant for the threshold, on any instance', () => {
    expect(fires(paused, both('coach.sending.paused', 30, since(20)))).toBe(true);
    expect(fires(paused, both('coach.sending.paused', 30, since(15)))).toBe(true);
    expect(fires(paused, [...series('coach.sending.paused', 30, since(18), { instance: 'a' }), ...series('coach.sending.paused', 30, () => 0, { instance: 'b' })])).toBe(true);
  });

  it('fires when paused for the whole window, and across a missed export', () => {
    expect(fires(paused, both('coach.sending.paused', 30, () => 1))).toBe(true);
    const gap = both('coach.sending.paused', 20, () => 1).filter((row) => Math.round((NOW - row.at) / MINUTE) !== 7);
    expect(fires(paused, gap)).toBe(true);
  });

  it('stays quiet for a shorter pause, after it resumed, and with no readings', () => {
    expect(fires(paused, both('coach.sending.paused', 30, since(10)))).toBe(false);
    expect(fires(paused, both('coach.sending.paused', 30, (ago) => (ago >= 1 && ago < 25 ? 1 : 0)))).toBe(false);
    expect(fires(paused, both('coach.sending.paused', 5, () => 1))).toBe(false);
    expect(fires(paused, [])).toBe(false);
  });
});

describe('give-ups', () => {
  const giveUps = rule('give-ups');

  it('fires on more give-ups in an hour than the threshold, however many were sent', () => {
    expect(fires(giveUps, [...spread('coach.send.give_ups', 30, 60), ...spread('coach.sends', 10_000, 60)])).toBe(true);
  });

  it('fires on a share of give-ups above the threshold once there are enough of them', () => {
    expect(fires(giveUps, [...spread('coach.send.give_ups', 6, 30), ...spread('coach.sends', 50, 30)])).toBe(true);
  });

  it('sums the counters of every instance', () => {
    const rows = [...spread('coach.send.give_ups', 15, 60, { instance: 'a' }), ...spread('coach.send.give_ups', 15, 60, { instance: 'b' }), ...spread('coach.sends', 20_000, 60)];
    expect(fires(giveUps, rows)).toBe(true);
    expect(fires(giveUps, rows.filter((row) => row.instance === 'a'))).toBe(false);
  });

  it('stays quiet on a few give-ups, a small share, give-ups older than the hour, or nothing sent', () => {
    expect(fires(giveUps, [...spread('coach.send.give_ups', 4, 30), ...spread('coach.sends', 20, 30)])).toBe(false);
    expect(fires(giveUps, [...spread('coach.send.give_ups', 20, 60), ...spread('coach.sends', 1_000, 60)])).toBe(false);
    expect(fires(giveUps, series('coach.send.give_ups', 30, () => 2, { from: 61 }))).toBe(false);
    expect(fires(giveUps, [])).toBe(false);
    // Retries and expiries are not give-ups.
    expect(fires(giveUps, [...spread('coach.send.retries', 500, 60), ...spread('coach.send.expiries', 200, 60), ...spread('coach.sends', 100, 60)])).toBe(false);
  });
});

describe('a pass request near expiry with nobody approving', () => {
  const expiring = rule('pass-request-expiring');

  it('fires while any pass request awaiting a decision expires within ten minutes', () => {
    expect(fires(expiring, both('coach.pass_requests.expiring', 3, () => 1))).toBe(true);
    expect(fires(expiring, [...both('coach.pass_requests.expiring', 5, (ago) => (ago === 0 ? 2 : 0))])).toBe(true);
  });

  it('stays quiet when none is, once it is decided, and with no readings', () => {
    expect(fires(expiring, [...both('coach.pass_requests.expiring', 5, () => 0), ...both('coach.pass_requests', 5, () => 4)])).toBe(false);
    expect(fires(expiring, both('coach.pass_requests.expiring', 5, (ago) => (ago >= 3 ? 1 : 0)))).toBe(false);
    expect(fires(expiring, [])).toBe(false);
  });
});

describe('audit anchor stale', () => {
  const anchor = rule('audit-anchor-stale');

  it('fires when any instance has gone longer than three intervals without anchoring the head', () => {
    expect(fires(anchor, [...series('coach.audit.anchor_age', 5, () => 0, { instance: 'a' }), ...series('coach.audit.anchor_age', 5, () => 20 * 60, { instance: 'b' })])).toBe(true);
  });

  it('stays quiet while anchors keep up, after an instance restarted and anchored, and with no readings', () => {
    expect(fires(anchor, both('coach.audit.anchor_age', 10, () => 4 * 60))).toBe(false);
    expect(fires(anchor, both('coach.audit.anchor_age', 10, () => 15 * 60))).toBe(false);
    const restarted = [...series('coach.audit.anchor_age', 3, () => 40 * 60, { instance: 'a', from: 5 }), ...series('coach.audit.anchor_age', 2, () => 0, { instance: 'a' })];
    expect(fires(anchor, restarted)).toBe(false);
    expect(fires(anchor, [])).toBe(false);
  });
});

describe('5xx responses', () => {
  const http = rule('http-5xx');
  const responses = (status: string, total: number, instance = 'a') => spread('coach.http.responses', total, 15, { instance, dimensions: { status_class: status } });

  it('fires on a share of 5xx above the threshold once there are enough of them, summed over instances', () => {
    expect(fires(http, [...responses('2xx', 940), ...responses('5xx', 60)])).toBe(true);
    const split = [...responses('2xx', 150, 'a'), ...responses('5xx', 6, 'a'), ...responses('2xx', 50, 'b'), ...responses('5xx', 6, 'b')];
    expect(fires(http, split)).toBe(true);
    expect(fires(http, split.filter((row) => row.instance === 'a'))).toBe(false);
  });

  it('fires on more 5xx than the count threshold, however small their share', () => {
    expect(fires(http, [...responses('2xx', 20_000), ...responses('5xx', 150)])).toBe(true);
  });

  it('stays quiet on a few 5xx, a small share, 4xx of any number, or no traffic', () => {
    expect(fires(http, [...responses('2xx', 7), ...responses('5xx', 3)])).toBe(false);
    expect(fires(http, [...responses('2xx', 1_000), ...responses('5xx', 40)])).toBe(false);
    expect(fires(http, [...responses('2xx', 100), ...responses('4xx', 900)])).toBe(false);
    expect(fires(http, [])).toBe(false);
  });
});

describe('the alerts wiring', () => {
  it('gives the web app the connection string of a workspace-based Application Insights', () => {
    expect(bicep).toMatch(/resource logWorkspace 'Microsoft\.OperationalInsights\/workspaces@2022-10-01'/);
    expect(bicep).toMatch(/resource appInsights 'Microsoft\.Insights\/components@2020-02-02' = \{[\s\S]*?WorkspaceResourceId: logWorkspace\.id[\s\S]*?IngestionMode: 'LogAnalytics'/);
    expect(bicep).toMatch(/\{\n\s*name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'\n\s*value: appInsights\.properties\.ConnectionString\n\s*\}/);
  });

  it('creates the action group the admin names, e-mailing the addresses given, or the subscription owners when none is', () => {
    expect(bicep).toMatch(/resource actionGroup 'Microsoft\.Insights\/actionGroups@2023-01-01' = \{\n\s*name: actionGroupName\n\s*location: 'Global'/);
    expect(bicep).toMatch(/var actionGroupName = empty\(alertActionGroupName\) \? '\$\{resourceBaseName\}-alerts' : alertActionGroupName/);
    expect(bicep).toMatch(/groupShortName: take\(actionGroupName, 12\)/);
    expect(bicep).toMatch(/var alertEmailList = empty\(alertEmails\) \? \[\] : split\(alertEmails, ','\)/);
    expect(bicep).toMatch(/emailReceivers: \[for \(address, i\) in alertEmailList: \{[\s\S]*?emailAddress: trim\(address\)/);
    // Owner, a built-in role: its members at the subscription are e-mailed.
    expect(bicep).toMatch(/var subscriptionOwnerRole = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'/);
    expect(bicep).toMatch(/armRoleReceivers: empty\(alertEmailList\) \? \[/);
  });

  it('takes the action group settings from env/.env.dev through the parameter file', () => {
    const fed = { alertActionGroupName: 'ALERT_ACTION_GROUP_NAME', alertEmails: 'ALERT_EMAILS' };
    for (const [param, key] of Object.entries(fed)) {
      expect(bicep, param).toMatch(new RegExp(`^param ${param} string = ''$`, 'm'));
      expect(parameterFile.parameters[param]?.value, param).toBe(`\${{${key}}}`);
      expect(devEnv, key).toMatch(new RegExp(`^${key}=$`, 'm'));
    }
  });

  it('gives every alert a section in the runbook, and the README points at it', () => {
    for (const candidate of rules) {
      const title = candidate.displayName.replace(/^Passkey Coach: /, '');
      expect(runbook, candidate.name).toContain(`### ${title[0]!.toUpperCase()}${title.slice(1)}`);
    }
    expect(runbook).not.toMatch(/not defined yet/);
    expect(read('README.md')).toMatch(/ALERT_EMAILS/);
  });
});
