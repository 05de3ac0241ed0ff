/**
 * The error registry: every error code the gateway can put in `extensions.code`, in one place.
 *
 * Only errors made here reach a client. Anything else thrown in a resolver is masked as
 * INTERNAL_SERVER_ERROR by `formatError` (see server.ts) and logged without its stack going out.
 */
import { GraphQLError } from 'graphql';
import type { Source } from '../generated/graphql.js';

export const ErrorCode = {
  /** The query's arguments are wrong; the message says what is accepted. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A phone (or another weak identifier) is held by records of several people. */
  AMBIGUOUS_IDENTIFIER: 'AMBIGUOUS_IDENTIFIER',
  /** A golden id whose anchor record no longer exists in its silo. */
  CUSTOMER_NOT_FOUND: 'CUSTOMER_NOT_FOUND',
  /** HTTP 401: no credentials where they are required, or a bad, expired or unknown token or API key. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The client's grant lacks the scopes a field, an operation or a lookup needs. */
  FORBIDDEN: 'FORBIDDEN',
  /** A silo could not be reached, refused the connection, or answered with an error status. */
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  /** A silo did not answer within its configured timeout. */
  SOURCE_TIMEOUT: 'SOURCE_TIMEOUT',
  /** A silo answered, but with a body the connector could not understand. */
  SOURCE_BAD_RESPONSE: 'SOURCE_BAD_RESPONSE',
  /** The whole request's deadline (GATEWAY_REQUEST_TIMEOUT_MS) passed before a silo answered: what needed it is null. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The client closed its connection: the request's silo reads stopped (log only: nobody is there to read the answer). */
  REQUEST_ABORTED: 'REQUEST_ABORTED',
  /** HTTP 429: the client made more requests than its rate limit allows. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** `Customer.clv` asked of a gateway started without a lifetime-value model. */
  CLV_MODEL_MISSING: 'CLV_MODEL_MISSING',
  /** `Clv.expectedAverageSpend` or `value` of a buyer whose money the model cannot value (no spend part, no or another currency). */
  CLV_MONEY_UNAVAILABLE: 'CLV_MONEY_UNAVAILABLE',
  /** `inSegment` whose rule hangs on a value unknown for this customer (a silo failed, no model). */
  SEGMENT_UNDECIDED: 'SEGMENT_UNDECIDED',
  /** A personalization output (segments, lifecycle, CLV, RFM, preferences) withheld: the customer's profiling consent does not allow it. */
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  /** HTTP 400: the operation's estimated cost is over MAX_OPERATION_COST (Apollo Router demand control's code). */
  COST_ESTIMATED_TOO_EXPENSIVE: 'COST_ESTIMATED_TOO_EXPENSIVE',
  /** HTTP 400: more aliases than MAX_ALIASES (Apollo Router's code). */
  MAX_ALIASES_LIMIT: 'MAX_ALIASES_LIMIT',
  /** HTTP 400: a selection deeper than MAX_DEPTH (Apollo Router's code). */
  MAX_DEPTH_LIMIT: 'MAX_DEPTH_LIMIT',
  /** HTTP 400: a document of more lexical tokens than MAX_TOKENS. */
  MAX_TOKENS_LIMIT: 'MAX_TOKENS_LIMIT',
  /** HTTP 413: a request body larger than MAX_REQUEST_BYTES. */
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  /** HTTP 400: an operation type the gateway does not execute (`subscription`). */
  OPERATION_NOT_SUPPORTED: 'OPERATION_NOT_SUPPORTED',
  /** Anything unexpected; details go to the log only. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What each code means to a client, for the README and for the test that every code is documented. */
export const errorCodeDescriptions: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'An argument is malformed; the message names it and lists the accepted forms.',
  AMBIGUOUS_IDENTIFIER:
    'The identifier (a phone, typically a household landline) belongs to several people; look the customer up by email, card or a record key.',
  CUSTOMER_NOT_FOUND:
    'The golden id names a record that no longer exists in its silo (deleted, not merged); look the customer up by another identifier.',
  UNAUTHENTICATED:
    'HTTP 401, for the whole request: it came without credentials (and the gateway allows no anonymous access), or with a JWT that is malformed, expired, badly signed, for another issuer or audience or signed with an algorithm not allowed, or with an unknown API key. The message says which, never the token; the `WWW-Authenticate` header says `Bearer` (README, "Authentication").',
  FORBIDDEN:
    'A field or an operation the client\'s scopes do not cover: the field is null with the error at its path, the rest of the answer stands, the message names the scopes and `extensions.requiredScopes` lists them (README, "Field scopes"; `evictCustomer` needs `admin`); a lookup by email: or phone: without pii:read.',
  SOURCE_UNAVAILABLE:
    'A silo refused the connection or answered with an error status (5xx, 429, 401/403), or the gateway did not call it: its circuit breaker is open, or its 429\'s `Retry-After` has not passed (the message says until when; README, "Limits and resilience"). Only the fields that need it are null; when it fails during resolution, `Customer.resolution.complete` is false.',
  SOURCE_TIMEOUT:
    'A silo did not answer within its timeout, or its identity lookup not within the resolution\'s deadline (`IDENTITY_DEADLINE_MS`). Only the fields that need it are null; when it fails during resolution, `Customer.resolution.complete` is false.',
  SOURCE_BAD_RESPONSE:
    'A silo answered with a body that is not what its API documents, larger than its `*_MAX_RESPONSE_MB` cap, or a page longer than the connector asked for. Only the fields that need it are null; when it fails during resolution, `Customer.resolution.complete` is false.',
  DEADLINE_EXCEEDED:
    'The request took longer than `GATEWAY_REQUEST_TIMEOUT_MS` (default 10 s): the answer went out at the deadline with what was ready; the fields still waiting for a silo are null, with one error per silo (`extensions.source`) naming it. Ask again, or for less (fewer ids, a smaller `first:`).',
  REQUEST_ABORTED:
    'The client closed its connection before the answer: the silo reads it still needed were not made. Seen in the gateway log only.',
  RATE_LIMITED:
    'HTTP 429, for the whole request, before it ran: the client (its API key, its token\'s subject, or its address when anonymous) made more than `GATEWAY_RATE_LIMIT_REQUESTS` requests in `GATEWAY_RATE_LIMIT_WINDOW_S`. The `Retry-After` header and the message say in how many seconds to try again.',
  CLV_MODEL_MISSING:
    '`clv` was asked, but the gateway runs without a lifetime-value model: fit one with `npm run clv -- fit` and set CLV_MODEL_FILE (README, "Lifetime value"). The other fields stand.',
  CLV_MONEY_UNAVAILABLE:
    "`clv.expectedAverageSpend` or `clv.value` of a customer who bought is null because the model cannot value their money: it was fitted without spend, or without a currency, or their purchases are in another currency than the model's (money is never converted). The message says which; `pAlive` and `expectedPurchases` stand.",
  SEGMENT_UNDECIDED:
    "`inSegment` cannot tell: the segment's rule has no result on this customer's values, because a value it reads is unknown (a silo it needs failed, reported beside it; no lifetime-value model for `clv` and RFM scores; a figure the customer does not have, such as the recency of one who never bought) or an operation on them has none (a division by zero, an integer overflow); `extensions.segment` names it.",
  CONSENT_REQUIRED:
    "A personalization output (`segments`, `inSegment`, `lifecycle`, `clv`, `rfm`, `preferences`) is null because the customer's profiling consent withholds it under `PROFILING_CONSENT` (`denied`: they refused, or the silo holding their decision could not be read; `granted`: they did not grant it). `extensions.purpose` is `profiling`, `extensions.status` the consent status (only for a client that may read `Customer.consent`, with `profile:read`); `Customer.consent.profiling` says where the decision comes from. The other fields stand.",
  COST_ESTIMATED_TOO_EXPENSIVE:
    'HTTP 400, before anything runs: the operation costs more than `MAX_OPERATION_COST` (each customer counts 1, `customers(ids:)` its number of ids, times what is read in it: `journey(first:)` and the lists\' `limit` count their size, the whole-history fields 10 once per customer). The message and `extensions.value` / `extensions.limit` give the cost and the limit; no silo was called (README, "Limits and resilience").',
  MAX_ALIASES_LIMIT:
    'HTTP 400, before anything runs: the operation has more aliases than `MAX_ALIASES`; `extensions.value` and `extensions.limit` give both. Ask for several customers with one `customers(ids:)` rather than aliased `customer(id:)` fields.',
  MAX_DEPTH_LIMIT: 'HTTP 400, before anything runs: a selection nests deeper than `MAX_DEPTH` fields; `extensions.value` and `extensions.limit` give both.',
  MAX_TOKENS_LIMIT: 'HTTP 400, before anything runs: the document has more lexical tokens than `MAX_TOKENS` (parsing stops there); `extensions.limit` gives the limit.',
  REQUEST_TOO_LARGE: 'HTTP 413: the request body is larger than `MAX_REQUEST_BYTES`; the rest of it is discarded as it arrives, never buffered. `extensions.limit` gives the limit in bytes.',
  OPERATION_NOT_SUPPORTED: 'HTTP 400: a `subscription` operation; the gateway executes queries and mutations only, until subscriptions exist.',
  INTERNAL_SERVER_ERROR: 'A bug in the gateway. The details are in the gateway log, never in the response.',
};

export type SourceErrorCode = 'SOURCE_UNAVAILABLE' | 'SOURCE_TIMEOUT' | 'SOURCE_BAD_RESPONSE' | 'DEADLINE_EXCEEDED' | 'REQUEST_ABORTED';

/**
 * A silo call failed. Thrown by connectors; turned into a GraphQL error with
 * `extensions { code, source }` by {@link toGraphQLError}.
 *
 * `message` is safe for clients (it names the silo and the kind of failure, never a body or a
 * credential). `detail` is for the log: status, undici code, the operation; still no body.
 */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly code: SourceErrorCode,
    readonly source: Source,
    message: string,
    readonly detail: Record<string, string | number | undefined> = {},
  ) {
    super(message);
  }
}

/** The most characters of a client's input a message quotes (OWASP: error messages must not echo input at length). */
export const INPUT_PREFIX_LENGTH = 40;

/**
 * What a message may quote of a client's input: its first {@link INPUT_PREFIX_LENGTH} characters,
 * and "…" when there was more. A 1 MB id must not make a 1 MB error.
 */
export function inputPrefix(text: string): string {
  if (text.length <= INPUT_PREFIX_LENGTH) return text;
  let cut = text.slice(0, INPUT_PREFIX_LENGTH);
  // Not half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * A message with every double-quoted run longer than {@link INPUT_PREFIX_LENGTH} cut to its prefix:
 * for messages the gateway does not write (graphql-js quotes a variable's whole value when it
 * cannot coerce it), applied by `formatError` to every error a client gets.
 */
export function clipQuotedInput(message: string): string {
  if (message.length <= 4 * INPUT_PREFIX_LENGTH) return message;
  // Quotes pair from the left, so the text between two quoted values is never taken for one.
  return message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, quoted: string) => (quoted.length > INPUT_PREFIX_LENGTH ? `"${inputPrefix(quoted)}"` : whole));
}

/** A client mistake in an argument. */
export function badUserInput(message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return clientError(ErrorCode.BAD_USER_INPUT, message, extra);
}

/**
 * An error the gateway made on purpose, with one of the registry's codes. It is an answer, not a
 * fault: no stack trace is collected (none is ever sent or logged, server.ts), which was the
 * costliest part of making one, and a refusal can come once per customer of a batch
 * (CONSENT_REQUIRED in `customers(ids:)`).
 */
export function clientError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(message, { extensions: { code, ...extra } });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The GraphQL error a client sees for a failed silo call. The SourceError rides along as
 * `originalError`, so that the log gets its detail; the client gets the message, code and source.
 */
export function sourceFailure(error: SourceError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: error.code, source: error.source },
    originalError: error,
  });
}

/** The SourceError behind an error, if a silo failure is what it is. */
export function sourceErrorOf(error: unknown): SourceError | undefined {
  if (error instanceof SourceError) return error;
  if (error instanceof GraphQLError && error.originalError instanceof SourceError) return error.originalError;
  return undefined;
}
