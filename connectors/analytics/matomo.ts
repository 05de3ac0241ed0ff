/**
 * What the client and the simulator both know about Matomo's HTTP Reporting API: where it
 * answers, the methods used, its error body and the messages it puts in it, and how a segment
 * value is encoded. Kept in one place so that the simulator cannot drift from what the client
 * expects.
 */
import { assertNever } from '../shared/exhaustive.js';

/** The Reporting API's entry point (Matomo also answers it at `/`). */
export const API_PATH = '/index.php';

export const METHODS = {
  lastVisits: 'Live.getLastVisitsDetails',
  version: 'API.getMatomoVersion',
} as const;

/**
 * A visitor id as Matomo stores it: 16 lowercase hexadecimal characters. Matomo refuses the
 * whole request when a `visitorId==` condition holds anything else, so the client never sends one.
 */
export const VISITOR_ID = /^[0-9a-f]{16}$/;

/**
 * The segments the connector sends and the simulator understands: `visitorId==` (equals),
 * `userId=@` (contains), `userId!=` (a login id is set: an empty value after `!=` means "not
 * empty", matomo-org/matomo#3932) and `referrerType==campaign` / `referrerType!=campaign`, among
 * the operators Matomo documents for segments
 * (https://developer.matomo.org/api-reference/reporting-api-segmentation).
 */
export type SegmentName = 'visitorId' | 'userId' | 'referrerType';

/** `==` equals; `!=` differs; `=@` contains (SQL LIKE '%value%', without case, as Matomo compares). */
export type SegmentOperator = '==' | '!=' | '=@';

/** One `name<operator>value` condition of a segment. */
export interface SegmentCondition {
  name: SegmentName;
  operator: SegmentOperator;
  value: string;
}

/** Whether a stored value satisfies a condition's operator, as Matomo compares. */
export function satisfies(condition: SegmentCondition, stored: string | null): boolean {
  switch (condition.operator) {
    case '==':
      // `userId==` (empty) matches the visits without one, as in Matomo.
      return (stored ?? '') === condition.value;
    case '!=':
      // `userId!=` (empty) matches the visits with one; SQL's `<>` never matches NULL.
      return stored !== null && stored !== '' && stored !== condition.value;
    case '=@':
      return stored !== null && stored.toLowerCase().includes(condition.value.toLowerCase());
    default:
      return assertNever(condition.operator, 'segment operator');
  }
}

/** Every error Matomo reports through the API: `{"result":"error","message":"..."}`. */
export interface MatomoErrorBody {
  result: 'error';
  message: string;
}

/** The error body the simulator sends (client.ts reads it with `matomoErrorAnswer`, mapping.ts). */
export function matomoError(message: string): MatomoErrorBody {
  return { result: 'error', message };
}


/**
 * Matomo 5's own wording for the errors this connector meets (plugins/Login, plugins/Live, core/API).
 * The simulator sends them; the client recognizes the first three (see `classifyMatomoError`).
 */
export const MESSAGES = {
  /** A token sent as a POST parameter (a "secure" request) that Matomo does not know. */
  tokenRejected: 'Unable to authenticate with the provided token. It is either invalid or expired.',
  /** The same over GET: the token may also be valid but restricted to POST (Matomo 5's default). */
  tokenRejectedInUrl:
    'Unable to authenticate with the provided token. It is either invalid, expired or is required to be sent as a POST parameter.',
  noViewAccess: (idSite: string): string => `You can't access this resource as it requires 'view' access for the website id = ${idSite}.`,
  visitsLogDisabled: (idSite: string): string =>
    `Visits log is deactivated in website settings. A user with at least admin access can enable this feature in the settings for this website (idSite=${idSite}).`,
  missingParameter: (name: string): string => `Please specify a value for '${name}'.`,
  unknownMethod: (module: string, method: string): string =>
    `The method '${method}' does not exist or is not available in the module '\\Piwik\\Plugins\\${module}\\API'.`,
  invalidCondition: (condition: string): string => `The segment condition '${condition}' is not valid.`,
  unsupportedSegment: (name: string): string => `Segment '${name}' is not a supported segment.`,
  badVisitorId: 'visitorId is expected to be a 16 hex char string',
} as const;

/** What a Matomo error means to the gateway. */
export type MatomoErrorKind =
  /** The token is unknown, expired, restricted to POST, or has no view access to the site. */
  | 'credentials'
  /** An administrator switched the visits log (the Live API) off for the site. */
  | 'visits-log-disabled'
  /** Anything else: a request Matomo did not understand, or an error in Matomo itself. */
  | 'other';

export function classifyMatomoError(message: string): MatomoErrorKind {
  if (/unable to authenticate|requires 'view' access|must be logged in/i.test(message)) return 'credentials';
  if (/visits log is deactivated/i.test(message)) return 'visits-log-disabled';
  return 'other';
}

/**
 * Encodes a value for a segment condition. Matomo URL-decodes the whole segment, then each
 * value (developer.matomo.org, "How are segments encoded in the API?"), on top of the decoding
 * of the request itself; so a value is encoded twice here and once more with the form body.
 * Without it a `,` or `;` inside a value would split the condition.
 */
export function encodeSegmentValue(value: string): string {
  return encodeURIComponent(encodeURIComponent(value));
}
