// How sure the figures of invitation variants are: Wilson's score interval for each rate, Newcombe's hybrid score
// interval (his method 10, 1998) for a difference of two rates, and the rule that says when a difference is clear.
// Pure arithmetic, no words: campaign-variants.ts says it in the reader's language.

/** 95%: the interval the reader is told about. */
export const Z95 = 1.959963984540054;
/**
 * Fewer people than this per text and nothing is said about which is better: with 30, a rate's interval is still about
 * ±17 points wide, and any "lead" is mostly noise.
 */
export const MIN_PER_VARIANT = 30;

export interface Interval {
  lower: number;
  upper: number;
}

export interface Rate extends Interval {
  /** successes / trials; 0 when there are no trials (the interval is then 0 to 1). */
  share: number;
}

export interface Difference extends Interval {
  /** First share minus second. */
  difference: number;
}

/** Wilson's score interval for `successes` of `trials` (no continuity correction): never outside 0..1, sound near 0 and 1. */
export function wilson(successes: number, trials: number, z = Z95): Rate {
  if (trials <= 0) return { share: 0, lower: 0, upper: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (2 * trials * p + z2) / (2 * (trials + z2));
  const spread = (z * Math.sqrt(z2 + 4 * trials * p * (1 - p))) / (2 * (trials + z2));
  // At 0 and at all, the bound is exactly 0 or 1 (rounding would leave 1e-17).
  return { share: p, lower: successes === 0 ? 0 : centre - spread, upper: successes === trials ? 1 : centre + spread };
}

/**
 * Newcombe's hybrid score interval for p1 − p2 (method 10 of Newcombe 1998, Statistics in Medicine 17:873): each
 * rate's Wilson interval, combined as the square root of the summed squared distances on the side that matters.
 */
export function newcombe(successes1: number, trials1: number, successes2: number, trials2: number, z = Z95): Difference {
  const a = wilson(successes1, trials1, z);
  const b = wilson(successes2, trials2, z);
  const difference = a.share - b.share;
  const lowerDistance = Math.sqrt((a.share - a.lower) ** 2 + (b.upper - b.share) ** 2);
  const upperDistance = Math.sqrt((a.upper - a.share) ** 2 + (b.share - b.lower) ** 2);
  return { difference, lower: difference - lowerDistance, upper: difference + upperDistance };
}

/** One text's people whose week is over (`trials`), and how many of them did it within the week (`successes`). */
export interface Arm {
  id: string;
  successes: number;
  trials: number;
}

export type Verdict =
  /** Some text has too few people whose week is over: `arm` the one with fewest. */
  | { kind: 'tooFew'; arm: Arm; min: number }
  /** `best` leads every other text by an interval wholly above zero; `next` is the runner-up. */
  | { kind: 'clear'; best: Arm; next: Arm; lead: Difference }
  /** `best` leads, but its lead over `other` (the closest) may still be nothing. */
  | { kind: 'unclear'; best: Arm; other: Arm; lead: Difference };

/** Which text does best (highest share, the earlier in the list on a tie), and whether that is clear yet. */
export function verdict(arms: readonly Arm[], min = MIN_PER_VARIANT): Verdict | undefined {
  if (arms.length < 2) return undefined;
  const fewest = arms.reduce((low, arm) => (arm.trials < low.trials ? arm : low));
  if (fewest.trials < min) return { kind: 'tooFew', arm: fewest, min };
  const share = (arm: Arm) => arm.successes / arm.trials;
  const best = arms.reduce((top, arm) => (share(arm) > share(top) ? arm : top));
  // The runner-up decides: if the lead over the closest is clear, it is clear over every other.
  const others = arms.filter((arm) => arm !== best).map((arm) => ({ arm, lead: newcombe(best.successes, best.trials, arm.successes, arm.trials) }));
  const closest = others.reduce((near, other) => (other.lead.lower < near.lead.lower ? other : near));
  if (closest.lead.lower > 0) return { kind: 'clear', best, next: closest.arm, lead: closest.lead };
  return { kind: 'unclear', best, other: closest.arm, lead: closest.lead };
}
