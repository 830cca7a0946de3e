import type { Direction, Polarity, RagStatus } from './vocabulary';

/**
 * RAG against target, as in the papers' corporate reports: GREEN on target or within 5 % of it,
 * AMBER within 15 % of it, RED beyond. The bands are relative to the target (5 % of a 24-hour target
 * is 1.2 hours; 5 % of a 95 % target is 4.75 points), so a target of 0 leaves no band: anything
 * worse than 0 is RED. The AMBER band (15 %) is this hub's choice; both are configurable.
 */
export interface RagBands {
  green: number;
  amber: number;
}
export const DEFAULT_BANDS: RagBands = { green: 0.05, amber: 0.15 };

export function ragAgainstTarget(
  value: number | null,
  target: number | null,
  polarity: Polarity | null,
  bands: RagBands = DEFAULT_BANDS,
): RagStatus {
  if (value === null) return 'NO_DATA';
  if (target === null || polarity === null) return 'NO_TARGET';
  const tolerance = Math.abs(target);
  // How far the value is on the wrong side of the target (0 when on or better than target).
  const shortfall = polarity === 'SMALLER_IS_BETTER' ? value - target : target - value;
  if (shortfall <= tolerance * bands.green + 1e-12) return 'GREEN';
  if (shortfall <= tolerance * bands.amber + 1e-12) return 'AMBER';
  return 'RED';
}

/** Direction of travel against the previous period: STABLE only when the values are equal. */
export function directionOfTravel(
  value: number | null,
  previous: number | null,
  polarity: Polarity | null,
): Direction | null {
  if (value === null || previous === null || polarity === null) return null;
  if (value === previous) return 'STABLE';
  const better = polarity === 'SMALLER_IS_BETTER' ? value < previous : value > previous;
  return better ? 'IMPROVING' : 'WORSENING';
}

/**
 * The board's RAG convention (issue 20), configurable: BANDS is the above (GREEN within the green band,
 * AMBER within the amber band, RED beyond); IMPROVEMENT is Havering's corporate convention — GREEN on or
 * within the green band (5 %) of target, beyond it AMBER when performance improved on the previous
 * period and RED when it did not (no previous value: not shown to have improved).
 */
export const RAG_CONVENTIONS = ['BANDS', 'IMPROVEMENT'] as const;
export type RagConvention = (typeof RAG_CONVENTIONS)[number];

export function ragByConvention(
  convention: RagConvention,
  value: number | null,
  previous: number | null,
  target: number | null,
  polarity: Polarity | null,
  bands: RagBands = DEFAULT_BANDS,
): RagStatus {
  const banded = ragAgainstTarget(value, target, polarity, bands);
  if (convention === 'BANDS' || banded === 'GREEN' || banded === 'NO_DATA' || banded === 'NO_TARGET') return banded;
  return directionOfTravel(value, previous, polarity) === 'IMPROVING' ? 'AMBER' : 'RED';
}
