/**
 * What a `Customer` is inside the gateway before its fields resolve: the golden id, the silo
 * records it was built from and the identifiers that joined them. Every section is fetched from
 * these keys, lazily, only when selected.
 */
import type { SourceError } from '../shared/errors.js';
import type { Identity, Source } from '../generated/graphql.js';

export interface SourceRecordKey {
  source: Source;
  id: string;
}

export interface CustomerParent {
  /** The golden id, as `Customer.id` returns it. */
  goldenId: string;
  /** The records of the cluster. */
  records: SourceRecordKey[];
  /** The normalized identifiers the records carry. */
  identities: Identity[];
  /**
   * Silos that failed while the cluster was being resolved. Non-empty means the cluster may miss
   * records (in those silos, or linked through them): `Customer.resolution.complete` is false,
   * the golden id is provisional, the answer carries each error once at the customer's path (or
   * at the first field it made null), and a section without records is null, not empty.
   */
  failures: ReadonlyMap<Source, SourceError>;
  /**
   * A bound (IDENTITY_MAX_ROUNDS, IDENTITY_MAX_RECORDS) stopped the resolution with identifiers
   * left: the customer may have more records (`Customer.resolution.truncated`). Never cached.
   */
  truncated: boolean;
}
