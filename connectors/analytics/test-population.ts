/**
 * Hand-written visits for the analytics tests that need an exact case (a shared laptop, a visitor
 * with 260 visits...); the contract test uses the generated population instead.
 */
import { createHash } from 'node:crypto';
import { POPULATION_FORMAT_VERSION, type MatomoAction, type MatomoVisit, type Population } from '../population.js';

/** 2025-06-15T15:06:40Z: the tests' visits happen before it. */
export const NOW = 1_750_000_000;
export const SITE_ID = 3;
/** The app's Matomo site in the tests that track one. */
export const APP_SITE_ID = 4;

/** A stable visitor id (16 hex characters, as Matomo makes them) for a label. */
export function visitorIdOf(label: string): string {
  return createHash('sha1').update(label).digest('hex').slice(0, 16);
}

/** A population whose analytics silo holds `visits` (and an app site when `appSiteId` is given); the other silos are empty. */
export function populationOf(visits: MatomoVisit[], options: { appSiteId?: number } = {}): Population {
  return {
    version: POPULATION_FORMAT_VERSION,
    seed: null,
    generatedAt: new Date(NOW * 1000).toISOString(),
    crm: { contacts: [] },
    loyalty: { storeCode: 'DEFAULT', levels: [], members: [], transactions: [] },
    commerce: { currency: 'EUR', customers: [], orders: [], products: [] },
    analytics: { siteId: SITE_ID, ...options, visits },
    truth: [],
  };
}

export interface VisitSpec {
  idVisit: number;
  visitorId: string;
  userId?: string | null;
  /** Unix seconds of the first action. */
  start: number;
  /** Page paths, one action each, 40 seconds apart; a `sku` makes it a product page. */
  pages?: Array<{ path: string; title?: string | null; sku?: string; name?: string; category?: string }>;
  referrerType?: MatomoVisit['referrerType'];
  referrerName?: string | null;
  deviceType?: MatomoVisit['deviceType'];
  /** The site: the app's for an app visit; absent is the website. */
  idSite?: number;
  /** MarketingCampaignsReporting fields. */
  campaignName?: string;
  campaignMedium?: string;
}

export function visitOf(spec: VisitSpec): MatomoVisit {
  const pages = spec.pages ?? [{ path: '/' }];
  const actionDetails = pages.map((page, i): MatomoAction => ({
    type: 'action',
    url: `https://shop.example${page.path}`,
    pageTitle: page.title === undefined ? `Page ${page.path}` : page.title,
    timestamp: spec.start + i * 40,
    ...(page.sku ? { productViewSku: page.sku, productViewName: page.name ?? page.sku, productViewCategory: page.category ?? 'misc' } : {}),
  }));
  const duration = (pages.length - 1) * 40;
  return {
    idVisit: spec.idVisit,
    visitorId: spec.visitorId,
    userId: spec.userId ?? null,
    firstActionTimestamp: spec.start,
    lastActionTimestamp: spec.start + duration,
    visitDuration: duration,
    deviceType: spec.deviceType ?? 'desktop',
    operatingSystem: 'Windows',
    browserName: 'Firefox',
    referrerType: spec.referrerType ?? 'direct',
    referrerName: spec.referrerName ?? null,
    ...(spec.idSite === undefined ? {} : { idSite: spec.idSite }),
    ...(spec.campaignName === undefined ? {} : { campaignName: spec.campaignName, campaignSource: 'newsletter', campaignMedium: spec.campaignMedium ?? '' }),
    actionDetails,
  };
}
