/**
 * `Customer.preferences`: what the customer likes, derived live from what the gateway already
 * reads: the golden `locale` (src/golden) and the figures of the whole journey
 * (src/journey/summary.ts, as `journeySummary`). Behind the profiling consent gate
 * (consent-gate.ts), as every personalization output.
 */
import type { CustomerResolvers, Preferences } from '../generated/graphql.js';
import { FIELD_SOURCES, goldenField } from '../golden/golden-record.js';
import { preferredChannel } from '../journey/summary.js';
import type { RequestContext } from './context.js';
import { loadCluster } from './customer-records.js';
import { reportFailures } from './failures.js';
import { journeyFigures } from './journey.js';
import { selects } from './selection.js';

export const preferencesResolvers: Pick<CustomerResolvers<RequestContext>, 'preferences'> = {
  preferences: async (customer, _args, ctx, info): Promise<Preferences> => {
    const [{ cluster, errors }, { figures, failures }] = await Promise.all([
      loadCluster(customer, FIELD_SOURCES.locale, ctx),
      journeyFigures(customer, ctx, selects(info, 'favouriteCategories')),
    ]);
    const unavailableSources = reportFailures(customer, [...errors, ...failures], ctx, info);
    return {
      language: goldenField(cluster, 'locale', ctx.services.golden).value,
      preferredChannel: preferredChannel(figures.channels),
      favouriteCategories: figures.favouriteCategories.map((c) => c.category),
      favouriteStore: figures.favouriteStore ?? null,
      partial: unavailableSources.length > 0,
      unavailableSources,
    };
  },
};
