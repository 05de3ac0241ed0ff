/**
 * What a `Customer` is inside the gateway before its fields resolve: the golden id and the
 * silo records it was built from. Every section is fetched from these keys, lazily.
 */
import type { Source } from './generated/graphql.js';

export interface SourceRecordKey {
  source: Source;
  id: string;
}

export interface CustomerParent {
  /** The golden id, as `Customer.id` returns it. */
  goldenId: string;
  /** The records of the cluster, in source priority order. */
  records: SourceRecordKey[];
}
