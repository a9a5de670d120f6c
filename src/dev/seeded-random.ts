// A small seeded pseudo-random generator (sfc32, seeded through splitmix32) for synthetic data: the same seed
// and stream always give the same sequence, on every platform. Not for anything secret.

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Different `stream` numbers give independent sequences from one seed (e.g. one for ids, one for attributes). */
  constructor(seed: number, stream = 0) {
    let state = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const splitmix = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i += 1) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.below(items.length)] as T;
  }

  weighted<T extends { weight: number }>(items: readonly T[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    let roll = this.next() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item;
    }
    return this.pick(items.filter((item) => item.weight > 0));
  }

  /** A lower-case version-4-shaped GUID. */
  guid(): string {
    const a = hex8(this.uint32());
    const b = hex8(this.uint32());
    const c = hex8(this.uint32());
    const d = hex8(this.uint32());
    const variant = (8 | (Number.parseInt(c[0] as string, 16) & 0x3)).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }

  /** Exactly `count` of the indices 0..total-1, chosen uniformly (a partial Fisher-Yates shuffle). */
  choose(total: number, count: number): Uint8Array {
    const chosen = new Uint8Array(total);
    const order = this.permutation(total, Math.min(count, total));
    for (let i = 0; i < Math.min(count, total); i += 1) chosen[order[i] as number] = 1;
    return chosen;
  }

  /** The indices 0..total-1 in random order; only the first `settled` places are shuffled when given. */
  permutation(total: number, settled = total): Int32Array {
    const order = new Int32Array(total);
    for (let i = 0; i < total; i += 1) order[i] = i;
    for (let i = 0; i < Math.min(settled, total - 1); i += 1) {
      const j = i + this.below(total - i);
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
    return order;
  }
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A 32-bit word as eight hex digits (a table, since large tenants need millions of them). */
function hex8(word: number): string {
  return `${HEX_BYTES[word >>> 24]}${HEX_BYTES[(word >>> 16) & 0xff]}${HEX_BYTES[(word >>> 8) & 0xff]}${HEX_BYTES[word & 0xff]}`;
}
