/**
 * Shapes and helpers the silo projections share: records with their owners for the truth, creation
 * order, time windows, values drawn until unique.
 */

/** Records of one silo in output order, each with the person it belongs to, for the truth. */
export interface Owned<T> {
  silo: T;
  owners: Array<{ person: number; id: string }>;
}

/** Drafts in creation order (stable: equal seconds keep their order). */
export function byCreation<T extends { created: number }>(drafts: readonly T[]): T[] {
  // Stable sort: equal seconds keep the order persons were drawn in.
  return drafts.slice().sort((a, b) => a.created - b.created);
}

/** A span of time, unix seconds: from the first to the last second a record may take. */
export interface Window {
  from: number;
  to: number;
}

/** Draws values until one is not yet taken: emails and phones must not collide between persons. */
export function unique(seen: Set<string>, make: (attempt: number) => string): string {
  for (let attempt = 0; ; attempt++) {
    const value = make(attempt);
    if (!seen.has(value)) {
      seen.add(value);
      return value;
    }
  }
}
