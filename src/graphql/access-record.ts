/**
 * What one request read that the access log must tell (README, "The access log"): the personal
 * data fields that answered a value, the customers they belong to, the email:/phone: lookups, and
 * the scopes the request's guarded fields were read with. Never a value: only field names,
 * golden ids and counts. One per request, on the context; the gateway's `gatewayRequestHooks`
 * (server.ts) writes it once the answer is made.
 */
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { Scope } from '../access/scopes.js';

/** A lookup that tells whether a person is a customer: by email or phone. */
export type PersonalLookup = 'email' | 'phone';

/** One access-log line's fields (README, "The access log"). */
export interface PiiAccessEntry {
  /** The golden ids of the customers whose personal data was read or looked up, in the order first met. */
  customers: string[];
  /** The personal-data fields that answered a value, as `Type.field`, sorted. */
  fields: string[];
  /** How many customers were looked up by email and by phone (found or not). */
  lookups: Record<PersonalLookup, number>;
  /** The scopes the request's guarded fields were read with, in the order of the scopes table. */
  scopes: Scope[];
}

type InfoPath = GraphQLResolveInfo['path'];

export class AccessRecord {
  /** The scopes the guarded fields answered with (scope-guard.ts adds them). */
  readonly scopesUsed = new Set<Scope>();
  /** Each customer answered by Query.customer(s), by its response path (`customer`, `a`, `customers.3`). */
  private readonly customersByPath = new Map<string, string>();
  private readonly piiReads: Array<{ coordinate: string; path: InfoPath }> = [];
  private readonly lookups: Record<PersonalLookup, number> = { email: 0, phone: 0 };
  private readonly lookedUpCustomers: string[] = [];

  /** Notes the customer a root field answered at `path`, so that a field under it is traced to its golden id. */
  customerAt(path: ReadonlyArray<string | number>, goldenId: string): void {
    this.customersByPath.set(path.join('.'), goldenId);
  }

  /** Notes an email:/phone: lookup, and the golden id it found (null when no one). */
  lookedUp(type: PersonalLookup, goldenId: string | null): void {
    this.lookups[type] += 1;
    if (goldenId !== null) this.lookedUpCustomers.push(goldenId);
  }

  /** Notes that a personal-data field answered a value. */
  piiRead(info: GraphQLResolveInfo): void {
    this.piiReads.push({ coordinate: `${info.parentType.name}.${info.fieldName}`, path: info.path });
  }

  /** The access-log line's fields, or null when the request read no personal data and looked no one up by email or phone. */
  entry(scopeOrder: readonly Scope[]): PiiAccessEntry | null {
    if (this.piiReads.length === 0 && this.lookups.email === 0 && this.lookups.phone === 0) return null;
    const customers = new Set<string>(this.lookedUpCustomers);
    const fields = new Set<string>();
    for (const { coordinate, path } of this.piiReads) {
      fields.add(coordinate);
      const goldenId = this.customerOf(responsePathAsArray(path));
      if (goldenId !== undefined) customers.add(goldenId);
    }
    return {
      customers: [...customers],
      fields: [...fields].sort(),
      lookups: { ...this.lookups },
      scopes: scopeOrder.filter((scope) => this.scopesUsed.has(scope)),
    };
  }

  /** The customer whose answer holds `path`: the longest path prefix a root field noted. */
  private customerOf(path: ReadonlyArray<string | number>): string | undefined {
    for (let length = path.length - 1; length > 0; length -= 1) {
      const goldenId = this.customersByPath.get(path.slice(0, length).join('.'));
      if (goldenId !== undefined) return goldenId;
    }
    return undefined;
  }
}
