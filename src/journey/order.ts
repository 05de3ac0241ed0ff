/**
 * The journey's total order: the newest first, then the silo, then the event's id in its silo,
 * then the touchpoint's id. Every page, cursor and merge of the journey uses it, so that two
 * touchpoints at the same instant always come in the same order, whichever page they fall on.
 */
import { compareEventIds } from '../../connectors/shared/journey-order.js';
import type { Source } from '../generated/graphql.js';
import type { TouchpointRecord } from './touchpoint.js';

/** The sources in the order of the schema's `Source` enum: the journey's order between silos. */
export const SOURCE_ORDER: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

const SOURCE_RANK: Readonly<Record<Source, number>> = { crm: 0, loyalty: 1, commerce: 2, analytics: 3 };

/**
 * Where a touchpoint sits in the journey: what the order compares, and what a cursor keeps of the
 * last touchpoint a page emitted.
 */
export interface TouchpointKey {
  /** `occurredAt` in milliseconds since the epoch. */
  at: number;
  source: Source;
  /** The event's id in its silo (`Touchpoint.sourceId`). */
  sourceId: string;
  /** The touchpoint's globally unique id (`Touchpoint.id`): several touchpoints can share one event. */
  id: string;
}

/** A touchpoint's key. `occurredAt` is a DateTime (ISO 8601), as the touchpoint builders write it. */
export function touchpointKey(touchpoint: TouchpointRecord): TouchpointKey {
  return { at: Date.parse(touchpoint.occurredAt), source: touchpoint.source, sourceId: touchpoint.sourceId, id: touchpoint.id };
}

/**
 * Journey order of two keys: `at` descending, then the source in {@link SOURCE_ORDER}, then
 * `sourceId` by compareEventIds (whole numbers by value, `9` before `10`; other ids by UTF-16
 * code units), then `id` by code units. Negative when `a` comes first, 0 only for equal keys.
 */
export function compareKeys(a: TouchpointKey, b: TouchpointKey): number {
  return (
    b.at - a.at ||
    SOURCE_RANK[a.source] - SOURCE_RANK[b.source] ||
    compareEventIds(a.sourceId, b.sourceId) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Journey order of two touchpoints ({@link compareKeys} of their keys). Negative when `a` comes first. */
export function compareTouchpoints(a: TouchpointRecord, b: TouchpointRecord): number {
  return compareKeys(touchpointKey(a), touchpointKey(b));
}

/** The rank of a source in the journey's order (crm 0 … analytics 3). */
export function sourceRank(source: Source): number {
  return SOURCE_RANK[source];
}
