// Holds the chain to its anchors: every anchored entry must still be there with the anchored hash, and the trail
// must reach the newest anchor. An anchor only counts when its MAC verifies.

import { anchorMac, sameDigest } from './audit-crypto.js';
import { type AnchorSource, type AuditAnchor, parseAnchorLine } from './audit-anchor.js';
import type { AuditProblem } from './audit-verify.js';

/** What a report says about the anchors it was held to. */
export interface AnchorSummary {
  /** Where anchors were read from. */
  sources: string[];
  /** Anchors whose MAC verified. */
  valid: number;
  /** Lines that were not anchors at all (a line torn by a crash, or something else written there). */
  ignoredLines: number;
  /** The highest-seq anchor whose MAC verified; absent when there is none yet. */
  newest?: { seq: number; hash: string; at: string; keyId: string; source: string };
}

interface Located {
  anchor: AuditAnchor;
  source: string;
}

export class AnchorBook {
  readonly #bySeq = new Map<number, Located[]>();
  readonly #problems: AuditProblem[] = [];
  readonly #summary: AnchorSummary;
  readonly #mismatched = new Set<number>();

  /** Checks each anchor's MAC under the key it names; use `loadAnchorBook` to read them from their sources. */
  constructor(found: readonly Located[], keys: ReadonlyMap<string, string>, read: { sources: string[]; ignoredLines: number; unreadable: AuditProblem[] }) {
    this.#problems.push(...read.unreadable);
    let newest: Located | undefined;
    for (const item of found) {
      const { anchor, source } = item;
      const key = keys.get(anchor.keyId);
      if (key === undefined) {
        this.#problems.push({ seq: anchor.seq, kind: 'unknown-key', message: `the anchor of entry ${anchor.seq} in ${source} is sealed with key '${anchor.keyId}', which is not configured` });
        continue;
      }
      if (!sameDigest(anchorMac(key, anchor), anchor.mac)) {
        this.#problems.push({ seq: anchor.seq, kind: 'forged-anchor', message: `the anchor of entry ${anchor.seq} in ${source} was not sealed with audit key '${anchor.keyId}'` });
        continue;
      }
      this.#bySeq.set(anchor.seq, [...(this.#bySeq.get(anchor.seq) ?? []), item]);
      if (newest === undefined || anchor.seq > newest.anchor.seq || (anchor.seq === newest.anchor.seq && anchor.at > newest.anchor.at)) newest = item;
    }
    const valid = [...this.#bySeq.values()].reduce((sum, list) => sum + list.length, 0);
    this.#summary = { sources: read.sources, valid, ignoredLines: read.ignoredLines };
    if (newest !== undefined) {
      const { seq, hash, at, keyId } = newest.anchor;
      this.#summary.newest = { seq, hash, at, keyId, source: newest.source };
    }
  }

  /** Problems with the entry stored at `seq` whose hash is `hash`: is it the entry that was anchored there? */
  check(seq: number, hash: string): AuditProblem[] {
    const anchored = this.#bySeq.get(seq);
    if (anchored === undefined || this.#mismatched.has(seq)) return [];
    const differing = anchored.find(({ anchor }) => !sameDigest(anchor.hash, hash));
    if (differing === undefined) return [];
    this.#mismatched.add(seq);
    return [{ seq, kind: 'anchor-mismatch', message: `entry ${seq} is not the entry anchored at ${differing.anchor.at} (${differing.source}): the chain was rewritten from there` }];
  }

  /** Problems visible once the whole chain was read: the anchors' own, and a trail that falls short of the newest. */
  finish(lastSeq: number): AuditProblem[] {
    const problems = [...this.#problems];
    const newest = this.#summary.newest;
    if (newest !== undefined && newest.seq > lastSeq) {
      problems.push({
        seq: newest.seq,
        kind: 'rolled-back',
        message:
          lastSeq === 0
            ? `the trail is empty, but it held ${newest.seq} entries at ${newest.at} (${newest.source}): it was emptied`
            : `the trail ends at entry ${lastSeq}, but it reached entry ${newest.seq} at ${newest.at} (${newest.source}): it was cut back`,
      });
    }
    return problems;
  }

  summary(): AnchorSummary {
    return { ...this.#summary, sources: [...this.#summary.sources] };
  }
}

/** Reads every source; a source that cannot be read is a problem (the trail cannot be held to what it holds). */
export async function loadAnchorBook(sources: readonly AnchorSource[], keys: ReadonlyMap<string, string>): Promise<AnchorBook> {
  const found: Located[] = [];
  const unreadable: AuditProblem[] = [];
  let ignoredLines = 0;
  for (const source of sources) {
    let lines: string[];
    try {
      lines = await source.readLines();
    } catch (error) {
      unreadable.push({ seq: 0, kind: 'anchors-unreadable', message: `the anchors in ${source.name} could not be read (${error instanceof Error ? error.message : String(error)})` });
      continue;
    }
    for (const line of lines) {
      const anchor = parseAnchorLine(line);
      if (anchor === undefined) ignoredLines++;
      else found.push({ anchor, source: source.name });
    }
  }
  return new AnchorBook(found, keys, { sources: sources.map((source) => source.name), ignoredLines, unreadable });
}
