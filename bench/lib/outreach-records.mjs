// What an outreach run saw, counted outside the bot: whom the seed says to invite, the invitations the connector
// emulator recorded (first per person, duplicates, people not expected), the connector's answers, the bots' own count
// of store requests, and (SQLite) how far the campaign got inside the bot.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Report method names that count as enrolled: the product's default CAMPAIGN_STRONG_METHODS, restated here on purpose. */
const STRONG_METHODS = new Set([
  'passKeyDeviceBound',
  'passKeyDeviceBoundAuthenticator',
  'passKeyDeviceBoundWindowsHello',
  'passKeySynced',
  'fido2SecurityKey',
  'windowsHelloForBusiness',
]);

/**
 * Who the campaign must reach, worked out from the seed alone (not with the product's code): enabled member people
 * with a Teams licence and no strong method, who are neither break-glass accounts nor in a group with role
 * 'excluded' (nested groups resolved).
 */
export function expectedTargets(seed) {
  const groupsById = new Map(seed.groups.map((group) => [group.id, group]));
  const excluded = new Set();
  const visit = (groupId, seen) => {
    if (seen.has(groupId)) return;
    seen.add(groupId);
    for (const member of groupsById.get(groupId)?.members ?? []) {
      if (groupsById.has(member)) visit(member, seen);
      else excluded.add(member);
    }
  };
  const seenGroups = new Set();
  for (const group of seed.groups) if (group.role === 'excluded') visit(group.id, seenGroups);
  const breakGlass = new Set(seed.breakGlassUserIds);
  const targets = new Map();
  for (const user of seed.users) {
    if (user.accountKind !== 'person' || user.userType !== 'Member' || !user.accountEnabled || !user.teamsLicensed) continue;
    if (breakGlass.has(user.id) || excluded.has(user.id)) continue;
    if (user.methods.some((method) => STRONG_METHODS.has(method.kind))) continue;
    targets.set(user.id, { appInstalled: user.appInstalled });
  }
  return targets;
}

/**
 * The invitation card's titles in every language the coach speaks (strings/<locale>/campaigns.json, each invitation
 * text's `variants.<id>.title`), without the person's name: reminders and welcomes do not have these words, and people
 * get invitations in their own language (and a campaign may compare texts), so one English phrase would miss most.
 */
export function invitationMarks(root) {
  return readdirSync(path.join(root, 'strings'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => Object.values(JSON.parse(readFileSync(path.join(root, 'strings', entry.name, 'campaigns.json'), 'utf8')).variants))
    .filter((variant) => typeof variant?.title === 'string')
    .map((variant) => variant.title.replace('{name}', ''));
}

/** @param {unknown} activity @param {string[]} marks from invitationMarks */
export function isInvitation(activity, marks) {
  const text = JSON.stringify(activity);
  return marks.some((mark) => text.includes(mark));
}

/** Invitations the connector emulator recorded, read incrementally: first delivery per person, and duplicates. */
export class DeliveryCounter {
  /** person → { first: ms of the first invitation, count } */
  #byPerson = new Map();
  #seen = 0;
  delivered = 0;
  duplicates = 0;
  /** Emulator time of the latest first invitation to someone expected. */
  lastFirstAt = 0;
  /** Emulator time of the first invitation of all. */
  firstAt = 0;
  unexpected = 0;
  /** A few people invited whom the seed says not to invite, to look up. */
  unexpectedSamples = [];
  /** People invited twice, to look up (their emulator records and the bots' warnings are printed at the end). */
  duplicateSamples = [];

  constructor(connector, targets, marks) {
    this.connector = connector;
    this.targets = targets;
    this.marks = marks;
  }

  read() {
    // The emulator's own list, not a filtered copy: read every 200 ms, it grows to one record per person.
    const records = this.connector.allActivities();
    for (; this.#seen < records.length; this.#seen += 1) {
      const record = records[this.#seen];
      if (record.kind !== 'send' || !isInvitation(record.activity, this.marks)) continue;
      const person = this.#byPerson.get(record.userId);
      if (person) {
        person.count += 1;
        this.duplicates += 1;
        if (this.duplicateSamples.length < 5 && !this.duplicateSamples.includes(record.userId)) this.duplicateSamples.push(record.userId);
        continue;
      }
      this.#byPerson.set(record.userId, { first: record.time, count: 1 });
      if (this.targets.has(record.userId)) {
        this.delivered += 1;
        this.lastFirstAt = Math.max(this.lastFirstAt, record.time);
        this.firstAt = this.firstAt === 0 ? record.time : Math.min(this.firstAt, record.time);
      } else {
        this.unexpected += 1;
        if (this.unexpectedSamples.length < 5) this.unexpectedSamples.push(record.userId);
      }
    }
  }
}

/**
 * Connector calls by answer, read as they come: the emulator keeps only its latest 10 000 calls, so a long run is
 * counted a poll at a time (by sequence number) rather than from that log at the end.
 */
export class ConnectorCalls {
  #lastSeq = 0;
  total = 0;
  throttled = 0;
  /** Answered by an injected fault (an outage, a reset). */
  faulted = 0;

  constructor(connector) {
    this.connector = connector;
  }

  read() {
    const recent = this.connector.requests();
    for (let index = recent.length - 1; index >= 0 && recent[index].seq > this.#lastSeq; index -= 1) {
      if (recent[index].status === 429) this.throttled += 1;
      if (recent[index].faulted) this.faulted += 1;
    }
    const last = recent.at(-1)?.seq ?? 0;
    this.total = last;
    this.#lastSeq = last;
  }
}

/**
 * How far the campaign has got inside the bot, for the progress line only: people added by targeting and invitations
 * waiting in the outbox, read from the bot's SQLite file (WAL lets a reader in beside the writer).
 */
export class BotDatabase {
  #db;

  constructor(file) {
    this.file = file;
  }

  counts() {
    try {
      this.#db ??= new Database(this.file, { readonly: true, fileMustExist: true });
      const count = (sql, ...values) => this.#db.prepare(`SELECT count(*) AS n FROM records WHERE ${sql}`).get(...values).n;
      // Members live in one partition per campaign: campaign-members:<id>, all sorting before 'campaign-members;'
      // (with the campaign's tallies, keys from '~', which are not people).
      return { members: count("partition >= ? AND partition < ? AND key < '~'", 'campaign-members:', 'campaign-members;'), queued: count('partition = ?', 'outbox') };
    } catch {
      return undefined; // not created yet, or busy: the next progress line will tell
    }
  }

  /** Outbox log entries that ended expired (their moment passed), every subject; null when unreadable. */
  expired() {
    try {
      this.#db ??= new Database(this.file, { readonly: true, fileMustExist: true });
      return this.#db
        .prepare("SELECT count(*) AS n FROM records WHERE partition >= 'outbox-log:' AND partition < 'outbox-log;' AND json_extract(value, '$.outcome') = 'expired'")
        .get().n;
    } catch {
      return null;
    }
  }

  close() {
    this.#db?.close();
  }
}

/**
 * The bots' store request counts, summed over the instances.
 * @param {{ port: number, id: string }[]} instances
 * @param {(line: string) => void} log
 * @returns {Promise<{ total: number, byKind: Record<string, number> } | null>}
 */
export async function readStoreRequests(instances, log) {
  const byKind = {};
  let total = 0;
  for (const instance of instances) {
    try {
      const response = await fetch(`http://127.0.0.1:${instance.port}/_demo/store-requests`, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const counts = await response.json();
      total += counts.total;
      for (const [kind, count] of Object.entries(counts.byKind)) byKind[kind] = (byKind[kind] ?? 0) + count;
    } catch (error) {
      log(`${instance.id}: could not read its store requests (${error.message}); store_requests_per_user is left out`);
      return null;
    }
  }
  return { total, byKind };
}
