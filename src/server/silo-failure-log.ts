/**
 * The log of a request's failed silo calls: one line per silo per request, however many ids,
 * slots or fields the failure reached (a `customers(ids:)` of 100 ids with a silo down made 100
 * lines; its answer still has one error per silo and slot). The line holds the first failure's
 * detail (status, undici code, the connector's operation; never a body), how many errors the
 * answer got for that silo, their codes, and the first paths.
 */
import type { Logger } from '../shared/logger.js';
import type { SourceError } from '../shared/errors.js';

/** How many paths a line lists: enough to find the fields, bounded whatever the request's size. */
export const LOGGED_PATHS = 3;

type Path = ReadonlyArray<string | number> | undefined;

/** Collects a request's silo failures, then writes them as one line per silo. */
export class SiloFailureLog {
  private readonly bySource = new Map<string, { first: SourceError; codes: Record<string, number>; count: number; paths: Path[] }>();

  /** One error of the answer that a silo failure caused, at `path` (none: the whole request). */
  add(failure: SourceError, path: Path): void {
    let entry = this.bySource.get(failure.source);
    if (!entry) {
      entry = { first: failure, codes: {}, count: 0, paths: [] };
      this.bySource.set(failure.source, entry);
    }
    entry.count += 1;
    entry.codes[failure.code] = (entry.codes[failure.code] ?? 0) + 1;
    if (path && entry.paths.length < LOGGED_PATHS) entry.paths.push(path);
  }

  /**
   * Writes one line per silo, in the order they first failed, and forgets them: a `silo call
   * failed` warning, or, when every error of that silo came from the client closing its
   * connection (REQUEST_ABORTED), a `request stopped` info line: the silo did not fail, and a
   * load balancer's or a load generator's dropped connections must not read as silo warnings.
   */
  write(logger: Logger): void {
    for (const { first, codes, count, paths } of this.bySource.values()) {
      const fields = { code: first.code, source: first.source, path: paths[0] ?? null, ...first.detail, errors: count, codes, paths };
      if (count === codes['REQUEST_ABORTED']) logger.info('request stopped', { ...fields, reason: 'the client closed the connection' });
      else logger.warn('silo call failed', fields);
    }
    this.bySource.clear();
  }
}
