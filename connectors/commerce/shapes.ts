/**
 * Reading Shopify Admin REST bodies into the gateway's records. Pure: every check that a body
 * has the documented shape is here, and a failed check becomes the error the caller hands in
 * (SiloHttp.badResponse for the operation), naming the path and what was expected, never the
 * value (it may be personal data).
 *
 * Shopify sends ids as JSON numbers, money as decimal strings ("199.65"), times as ISO 8601 with
 * the shop's offset ("2013-06-27T08:48:27-04:00"), tags as one comma-separated string. Fields
 * the connector did not ask for (`fields=`) are absent: absent and null both read as null.
 */
import type { SourceError } from '../../src/errors.js';
import type { PostalAddress } from '../../src/generated/graphql.js';
import { isObject } from '../shared/collections.js';
import { utcDateTime } from '../shared/time.js';
import type { CommerceCustomerRecord, CommerceOrderRecord } from '../types.js';

/** Makes the error for a body without the documented shape, from a description of the problem. */
export type Complain = (problem: string) => SourceError;

type JsonObject = Record<string, unknown>;

/** Typed reads of one body; each failed check throws `complain(problem)`. */
export class ShapeReader {
  constructor(private readonly complain: Complain) {}

  /** The array under `key` of a top-level object, e.g. `customers` of `{"customers": [...]}`. */
  list(body: unknown, key: string): Array<{ value: unknown; path: string }> {
    const items = this.object(body, 'the body')[key];
    if (!Array.isArray(items)) throw this.complain(`"${key}" is not an array`);
    return items.map((value, i) => ({ value, path: `${key}[${i}]` }));
  }

  object(value: unknown, path: string): JsonObject {
    if (!isObject(value)) throw this.complain(`${path} is not an object`);
    return value;
  }

  optionalObject(parent: JsonObject, key: string, path: string): JsonObject | null {
    const value = parent[key];
    return value === undefined || value === null ? null : this.object(value, `${path}.${key}`);
  }

  text(parent: JsonObject, key: string, path: string): string | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw this.complain(`${path}.${key} is not a string`);
    return value;
  }

  requiredText(parent: JsonObject, key: string, path: string): string {
    return this.required(this.text(parent, key, path), path, key);
  }

  /** A Shopify id: a positive integer (JSON number), returned as its decimal string. */
  id(parent: JsonObject, key: string, path: string): string {
    return this.required(this.optionalId(parent, key, path), path, key);
  }

  optionalId(parent: JsonObject, key: string, path: string): string | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
    throw this.complain(`${path}.${key} is not an id (a positive integer)`);
  }

  count(parent: JsonObject, key: string, path: string): number | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    throw this.complain(`${path}.${key} is not a count (a non-negative integer)`);
  }

  requiredCount(parent: JsonObject, key: string, path: string): number {
    return this.required(this.count(parent, key, path), path, key);
  }

  /** Money: Shopify's decimal string ("199.65"); a plain number is accepted too. */
  money(parent: JsonObject, key: string, path: string): number | null {
    const value = parent[key];
    if (value === undefined || value === null) return null;
    const amount = typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
    if (typeof amount === 'number' && Number.isFinite(amount)) return amount;
    throw this.complain(`${path}.${key} is not an amount (a decimal string)`);
  }

  requiredMoney(parent: JsonObject, key: string, path: string): number {
    return this.required(this.money(parent, key, path), path, key);
  }

  /** An ISO 8601 time with offset, returned in UTC as the schema's DateTime wants. */
  dateTime(parent: JsonObject, key: string, path: string): string | null {
    const text = this.text(parent, key, path);
    if (text === null) return null;
    const utc = utcDateTime(text);
    if (utc === null) throw this.complain(`${path}.${key} is not an ISO 8601 date-time`);
    return utc;
  }

  requiredDateTime(parent: JsonObject, key: string, path: string): string {
    return this.required(this.dateTime(parent, key, path), path, key);
  }

  array(parent: JsonObject, key: string, path: string): Array<{ value: unknown; path: string }> {
    const value = parent[key];
    if (!Array.isArray(value)) throw this.complain(`${path}.${key} is not an array`);
    return value.map((item, i) => ({ value: item, path: `${path}.${key}[${i}]` }));
  }

  /** `path` and `key` apart: the error's text is built only when there is an error. */
  private required<T>(value: T | null, path: string, key: string): T {
    if (value === null) throw this.complain(`${path}.${key} is missing`);
    return value;
  }
}

/** A `Customer` (any subset of its fields) as the gateway's record. */
export function readCustomer(r: ShapeReader, value: unknown, path: string): CommerceCustomerRecord {
  const c = r.object(value, path);
  const address = r.optionalObject(c, 'default_address', path);
  const consent = r.optionalObject(c, 'email_marketing_consent', path);
  return {
    id: r.id(c, 'id', path),
    email: r.text(c, 'email', path),
    phone: r.text(c, 'phone', path),
    firstName: r.text(c, 'first_name', path),
    lastName: r.text(c, 'last_name', path),
    address: address && readAddress(r, address, `${path}.default_address`),
    ordersCount: r.count(c, 'orders_count', path),
    totalSpent: r.money(c, 'total_spent', path),
    currency: r.text(c, 'currency', path),
    emailMarketingConsent: consent && r.text(consent, 'state', `${path}.email_marketing_consent`),
    tags: splitTags(r.text(c, 'tags', path)),
    createdAt: r.dateTime(c, 'created_at', path),
    updatedAt: r.dateTime(c, 'updated_at', path),
  };
}

function readAddress(r: ShapeReader, a: JsonObject, path: string): PostalAddress {
  return {
    street: r.text(a, 'address1', path),
    postalCode: r.text(a, 'zip', path),
    city: r.text(a, 'city', path),
    // The schema prefers ISO 3166-1 alpha-2; `country` is the name, for addresses without a code.
    country: r.text(a, 'country_code', path) ?? r.text(a, 'country', path),
  };
}

/** Shopify stores tags as "vip, newsletter"; an empty string means none. */
function splitTags(tags: string | null): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

export function readOrder(r: ShapeReader, value: unknown, path: string): CommerceOrderRecord {
  const o = r.object(value, path);
  return {
    id: r.id(o, 'id', path),
    name: r.requiredText(o, 'name', path),
    createdAt: r.requiredDateTime(o, 'created_at', path),
    totalPrice: r.requiredMoney(o, 'total_price', path),
    currency: r.requiredText(o, 'currency', path),
    financialStatus: r.text(o, 'financial_status', path),
    lines: r.array(o, 'line_items', path).map((line) => {
      const l = r.object(line.value, line.path);
      return {
        // Shopify sends "" for a variant without SKU.
        sku: r.text(l, 'sku', line.path) || null,
        name: r.requiredText(l, 'title', line.path),
        quantity: r.requiredCount(l, 'quantity', line.path),
        unitPrice: r.requiredMoney(l, 'price', line.path),
        productId: r.optionalId(l, 'product_id', line.path),
      };
    }),
  };
}

/** `{"products": [{"id", "product_type"}]}` as product id -> category (null when blank). */
export function readProductTypes(r: ShapeReader, body: unknown): Map<string, string | null> {
  const types = new Map<string, string | null>();
  for (const { value, path } of r.list(body, 'products')) {
    const p = r.object(value, path);
    types.set(r.id(p, 'id', path), r.text(p, 'product_type', path) || null);
  }
  return types;
}
