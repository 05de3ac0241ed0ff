/**
 * The analytics silo's journey additions: the app as Matomo's second site, and the
 * MarketingCampaignsReporting fields of campaign visits.
 *
 * - A Matomo instance holds several measurables, each an `idSite`; an app is one of type
 *   `mobileapp` (plugin MobileAppMeasurable, bundled with Matomo), and `Live.getLastVisitsDetails`
 *   reports each visit's `idSite` (https://developer.matomo.org/api-reference/reporting-api,
 *   module Live). So every visit gets `idSite`: the app's on every visit of an app install, the
 *   website's on every other. An app install is a smartphone device ({@link RATES.appInstall}),
 *   with all its visits, logins and times as before; its `browserName` stays what it was (the
 *   existing field must not change for a seed), and so do the page URLs, which the app's screens
 *   are tracked under.
 * - The MarketingCampaignsReporting plugin adds `campaignName`, `campaignSource`,
 *   `campaignMedium` (and more) to every visit, `''` when the visit came from no campaign
 *   (https://plugins.matomo.org/MarketingCampaignsReporting). Matomo also keeps the campaign's
 *   name in `referrerName`, so a campaign visit's `campaignName` is its `referrerName`.
 *
 * Drawn from a stream of their own, after the visits exist, and only added.
 */
import type { AnalyticsSilo, MatomoVisit } from '../../connectors/population.js';
import type { Random } from './random.js';
import { RATES, RETAILER } from './rates.js';

type Medium = 'email' | 'cpc' | 'social' | 'affiliate';

/** Where each medium's visits come from (`campaignSource`), weighted. */
const SOURCES: Record<Medium, ReadonlyArray<readonly [string, number]>> = {
  email: [['newsletter', 1]],
  cpc: [['google', 85], ['bing', 15]],
  social: [['instagram', 55], ['facebook', 30], ['tiktok', 15]],
  affiliate: [['awin', 60], ['effinity', 40]],
};

/**
 * The medium of each campaign the generator names in `referrerName`: the weekly newsletter and the
 * basket reminder are emails; the sales are advertised by paid search, social ads and affiliates.
 * Over the generator's campaign weights, about 55% of campaign visits are email.
 */
const CAMPAIGN_MEDIUMS: Record<string, ReadonlyArray<readonly [Medium, number]>> = {
  'newsletter-hebdo': [['email', 1]],
  'relance-panier': [['email', 1]],
  'soldes-hiver': [['cpc', 50], ['social', 35], ['affiliate', 15]],
  'soldes-ete': [['cpc', 50], ['social', 35], ['affiliate', 15]],
  'black-friday': [['cpc', 50], ['social', 35], ['affiliate', 15]],
};
const OTHER_CAMPAIGN: ReadonlyArray<readonly [Medium, number]> = [['email', 50], ['cpc', 25], ['social', 15], ['affiliate', 10]];

/**
 * The silo with `appSiteId` and every visit with `idSite` and the three campaign fields, in the
 * key order of connectors/population.ts. Visits are replaced in `silo.visits` one by one (a large
 * population does not hold two copies of them).
 */
export function addAppAndCampaigns(rng: Random, silo: AnalyticsSilo): AnalyticsSilo {
  const appSiteId = RETAILER.analyticsAppSiteId;
  const app = new Map<string, boolean>();
  const { visits } = silo;
  for (let i = 0; i < visits.length; i++) {
    const visit = visits[i] as MatomoVisit;
    let isApp = app.get(visit.visitorId);
    if (isApp === undefined) {
      isApp = visit.deviceType === 'smartphone' && rng.chance(RATES.appInstall);
      app.set(visit.visitorId, isApp);
    }
    let campaign = { campaignName: '', campaignSource: '', campaignMedium: '' };
    if (visit.referrerType === 'campaign') {
      const name = visit.referrerName ?? '';
      const medium = rng.weighted(CAMPAIGN_MEDIUMS[name] ?? OTHER_CAMPAIGN);
      campaign = { campaignName: name, campaignSource: rng.weighted(SOURCES[medium]), campaignMedium: medium };
    }
    const { idVisit, actionDetails, ...rest } = visit;
    visits[i] = { idVisit, idSite: isApp ? appSiteId : silo.siteId, ...rest, ...campaign, actionDetails };
  }
  return { siteId: silo.siteId, appSiteId, visits };
}
