/**
 * Contract fixtures from the vendors' own documentation, and the two checks made with them.
 *
 * A fixture is one documented example exchange of a product's API (HubSpot, Open Loyalty, Shopify,
 * Matomo), stored as JSON under `connectors/<silo>/fixtures/`, with the page it comes from:
 *
 * ```json
 * {
 *   "documentation": "https://developers.hubspot.com/docs/api/crm/search",
 *   "retrieved": "2026-11-30",
 *   "about": "Search contacts by email: one match, no further page",
 *   "request": { "method": "POST", "path": "/crm/v3/objects/contacts/search", "query": {}, "body": { ... } },
 *   "response": { "status": 200, "headers": { "content-type": "application/json" }, "body": { ... } }
 * }
 * ```
 *
 * 1. The client against the vendor: {@link startVendorReplay} serves the fixtures' responses from a
 *    real HTTP server on loopback and records what the client sent, so a test checks that the client
 *    asks what the documentation asks and maps the documented answer to the right record.
 * 2. The simulator against the vendor: {@link shapeDifferences} compares the simulator's answer to
 *    the same documented request with the documented answer, field by field (names and JSON types,
 *    not values), so a simulator that drifted from the product fails. Where they differ, the
 *    documentation wins: the simulator is fixed, not the fixture.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const fixtureSchema = z.object({
  /** The documentation page the example is taken from. */
  documentation: z.url(),
  /** When the page was read, YYYY-MM-DD. */
  retrieved: z.iso.date(),
  /** What the example shows, in a line. */
  about: z.string().min(1),
  request: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** The path without the query string, as the documentation writes it. */
    path: z.string().startsWith('/'),
    /** Query parameters the documented request carries (values as strings). */
    query: z.record(z.string(), z.string()).default({}),
    headers: z.record(z.string(), z.string()).default({}),
    /** A JSON request body, when the request has one (or a form body as an object of strings). */
    body: z.unknown().optional(),
  }),
  response: z.object({
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.unknown(),
  }),
});

/** One documented exchange; see the module comment for the file format. */
export type VendorFixture = z.output<typeof fixtureSchema> & { file: string };

/**
 * Reads and checks a fixture file. Throws an Error naming the file and the malformed field when
 * the file does not have the fixture format.
 */
export function loadVendorFixture(file: URL | string): VendorFixture {
  const path = typeof file === 'string' ? file : file.pathname;
  const parsed = fixtureSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a vendor fixture: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { ...parsed.data, file: path };
}

/** A request the replay server received, as the client sent it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The raw body text ('' when none). */
  body: string;
  /** The fixture that answered it, or null when none matched (the server answered 404). */
  answeredBy: VendorFixture | null;
}

export interface VendorReplay {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received, in order. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a loopback HTTP server that answers like the vendor's documentation: a request whose
 * method and path equal a fixture's, and whose query holds every parameter the fixture's request
 * has with the same value, gets that fixture's response (the first such fixture); any other
 * request gets a 404 with an empty JSON object and is recorded with `answeredBy: null`.
 * `match` can narrow the choice further (e.g. on the request body).
 */
export async function startVendorReplay(
  fixtures: VendorFixture[],
  match: (fixture: VendorFixture, request: Omit<ReceivedRequest, 'answeredBy'>) => boolean = () => true,
): Promise<VendorReplay> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://replay');
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const fixture =
        fixtures.find(
          (f) =>
            f.request.method === request.method &&
            f.request.path === request.path &&
            Object.entries(f.request.query).every(([key, value]) => request.query[key] === value) &&
            match(f, request),
        ) ?? null;
      received.push({ ...request, answeredBy: fixture });
      const status = fixture?.response.status ?? 404;
      const body = fixture ? fixture.response.body : {};
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...fixture?.response.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A field where an answer's shape differs from the documented one. */
export interface ShapeDifference {
  /** Where, e.g. `results[].properties.email` (`[]` stands for every element of an array). */
  path: string;
  /** `missing` (documented, absent from ours), `extra` (ours, not documented), or `type`. */
  kind: 'missing' | 'extra' | 'type';
  /** The documented JSON type and ours, for `type`. */
  documented?: string;
  ours?: string;
}

/**
 * Compares the shape of `ours` (a simulator's answer) with `documented` (the vendor's example):
 * the same object keys, each with the same JSON type (`string`, `number`, `boolean`, `object`,
 * `array`), recursively; an array's elements are compared element type against element type
 * (every element of each side merged). `null` matches any type, since a documented example's null
 * field and a filled one are the same field. `ignore` lists paths (in the `results[].x` form) whose
 * difference is expected, for a field the example happens not to show; each must be explained in
 * the test that passes it.
 */
export function shapeDifferences(documented: unknown, ours: unknown, ignore: readonly string[] = []): ShapeDifference[] {
  const differences: ShapeDifference[] = [];
  compare(documented, ours, '', differences);
  return differences.filter((d) => !ignore.includes(d.path));
}

function compare(documented: unknown, ours: unknown, path: string, out: ShapeDifference[]): void {
  if (documented === null || ours === null || documented === undefined || ours === undefined) return;
  const a = jsonType(documented);
  const b = jsonType(ours);
  if (a !== b) {
    out.push({ path: path || '(body)', kind: 'type', documented: a, ours: b });
    return;
  }
  if (a === 'array') {
    compare(mergeElements(documented as unknown[]), mergeElements(ours as unknown[]), `${path}[]`, out);
    return;
  }
  if (a !== 'object') return;
  const doc = documented as Record<string, unknown>;
  const our = ours as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in our)) out.push({ path: at, kind: 'missing' });
    else compare(doc[key], our[key], at, out);
  }
  for (const key of Object.keys(our)) {
    if (!(key in doc)) out.push({ path: path ? `${path}.${key}` : key, kind: 'extra' });
  }
}

/** The elements of an array as one value: objects merged key by key (first non-null wins), else the first non-null. */
function mergeElements(items: unknown[]): unknown {
  const present = items.filter((item) => item !== null && item !== undefined);
  if (present.length === 0) return null;
  if (!present.every((item) => jsonType(item) === 'object')) return present[0];
  const merged: Record<string, unknown> = {};
  for (const item of present as Array<Record<string, unknown>>) {
    for (const [key, value] of Object.entries(item)) {
      if (merged[key] === undefined || merged[key] === null) merged[key] = value;
    }
  }
  return merged;
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
