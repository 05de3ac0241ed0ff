/**
 * One error per failed silo and customer in a response, however many fields needed that silo.
 *
 * A field that is null because its silo failed carries the error (the first such field does; the
 * others are null quietly). A field that still got a value from other silos does not fail: its
 * provenance says it is partial, and the silo's error is added to the response once, at the end
 * (by the gateway's `willSendResponse` hook, server.ts), with the path of the first field that
 * missed it, so the client always learns which silo failed. A silo that failed while a customer
 * was being resolved is noted at the customer's own path by `Query.customer(s)`, so the answer
 * tells it even when only `id` is selected.
 */
import { responsePathAsArray, type GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { Source } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { sourceFailure, type SourceError } from '../shared/errors.js';
import { SOURCES, type RequestContext } from './context.js';

/** A response path: field names and list indexes. */
export type Path = ReadonlyArray<string | number>;

/**
 * Whom a failure is reported for: one customer at one place of the response (`customer`, or
 * `customers.3`). The same customer in two slots of `customers(ids:)` gets its errors in each
 * slot, as each id asked alone would.
 */
export function customerScope(goldenId: string, customerPath: Path): string {
  return `${goldenId}@${customerPath.join('.')}`;
}

/** The scope of the customer whose field is resolving (see {@link customerScope}). */
export function scopeOfField(goldenId: string, info: GraphQLResolveInfo): string {
  return customerScope(goldenId, info.path.prev ? responsePathAsArray(info.path.prev) : []);
}

interface Entry {
  error: SourceError;
  path: Path;
  reported: boolean;
}

export class SiloFailureReport {
  private readonly entries = new Map<string, Entry>();

  /** Remembers a failure seen by a field that still has a value. */
  note(customer: string, error: SourceError, path: Path): void {
    // `customer` is a scope: see customerScope.
    const key = `${customer}|${error.source}`;
    if (!this.entries.has(key)) this.entries.set(key, { error, path, reported: false });
  }

  /** The error a field that is null because of this failure should throw, or null if it was already reported. */
  claim(customer: string, error: SourceError, path: Path): GraphQLError | null {
    const key = `${customer}|${error.source}`;
    const entry = this.entries.get(key);
    if (entry?.reported) return null;
    this.entries.set(key, { error: entry?.error ?? error, path, reported: true });
    return sourceFailure(entry?.error ?? error);
  }

  /** The failures no field reported, with the path of the first field that missed each; marked reported. */
  drain(): Array<{ error: SourceError; path: Path }> {
    const pending: Array<{ error: SourceError; path: Path }> = [];
    for (const entry of this.entries.values()) {
      if (entry.reported) continue;
      entry.reported = true;
      pending.push({ error: entry.error, path: entry.path });
    }
    return pending;
  }
}

/** The path of the field being resolved, as graphql-js gives it: field names and list indexes. */
export function pathOf(info: GraphQLResolveInfo): Array<string | number> {
  return responsePathAsArray(info.path).slice();
}

/**
 * The silos missing from an answer (those that failed now or while the customer was resolved),
 * in silo order, each noted once for the response.
 */
export function reportFailures(customer: CustomerParent, failures: readonly SourceError[], ctx: RequestContext, info: GraphQLResolveInfo): Source[] {
  // The usual case, nothing failed: no path to build.
  if (failures.length === 0 && customer.failures.size === 0) return [];
  const all = [...failures, ...SOURCES.flatMap((source) => customer.failures.get(source) ?? [])];
  const scope = scopeOfField(customer.goldenId, info);
  const path = pathOf(info);
  for (const error of all) ctx.failures.note(scope, error, path);
  return SOURCES.filter((source) => all.some((error) => error.source === source));
}
