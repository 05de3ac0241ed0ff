/**
 * `Customer.rfm`, `Customer.lifecycle` and `Customer.clv`: the arguments checked, the customer's
 * purchase history read live (the whole histories of their store receipts and online orders,
 * shared with the journey and the segments in the request: histories.ts), and the pure insights
 * (src/insights) computing the figures. A silo that fails makes the figures partial, with one
 * error naming it; without a lifetime-value model `clv` is null with an error saying how to fit one.
 */
import { shopCurrencyOf } from '../journey/summary.js';
import { GraphQLError } from 'graphql';
import type { ClvResolvers, CustomerResolvers } from '../generated/graphql.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import { horizonDays, horizonMonths, rfmWindowDays } from '../insights/args.js';
import { clvExpectedAverageSpend, clvExpectedPurchases, clvMoneyUnavailable, clvPAlive, clvValue, customerClv, type CustomerClv } from '../insights/customer-clv.js';
import { bgNbdInputs, purchaseHistory, type PurchaseHistory } from '../insights/purchase-history.js';
import { customerRfm, type RfmFigures } from '../insights/rfm.js';
import type { JourneyStream } from '../journey/touchpoint.js';
import { clientError, ErrorCode } from '../shared/errors.js';
import { oncePerCustomer, requestNow, type PurchaseRead, type RequestContext } from './context.js';
import type { GatedArgumentChecks } from './consent-gate.js';
import { figuresOf, figuresOfClv } from './history-figures.js';
import { reportFailures } from './failures.js';
import { settledHistories, shopCurrency, wholeHistories } from './histories.js';
import { selects } from './selection.js';

/** The purchases: store receipts (sales and returns) and online orders (with their refunds). */
export const PURCHASE_STREAMS: readonly JourneyStream[] = ['loyalty.transactions', 'commerce.orders'];
/** The records' creations: when a customer who never bought became known (`registered` since). */
const CREATION_STREAMS: readonly JourneyStream[] = ['crm.contacts', 'loyalty.members', 'commerce.customers'];

type InsightResolvers = Pick<CustomerResolvers<RequestContext>, 'rfm' | 'lifecycle' | 'clv'>;

/** `rfm(windowDays:)` checked before the consent gate (consent-gate.ts): a window out of range is BAD_USER_INPUT for every customer. */
export const insightArgumentChecks: GatedArgumentChecks = {
  rfm: ({ windowDays }: { windowDays?: number | null }, ctx: RequestContext) => void rfmWindowDays(windowDays, ctx.services.insights.rfmWindowDays),
};

export const insightResolvers: InsightResolvers = {
  rfm: async (customer, args, ctx, info) => {
    const { insights } = ctx.services;
    const windowDays = rfmWindowDays(args.windowDays, insights.rfmWindowDays);
    const { history, failures } = await purchasesOf(customer, ctx, PURCHASE_STREAMS);
    const figures = rfmOf(history, requestNow(ctx), windowDays, ctx);
    const unavailableSources = reportFailures(customer, failures, ctx, info);
    // Own fields before any spread, or Object.assign: on Node 20 a literal that begins with a
    // spread gets a hidden class of its own each time (docs/hidden-classes.md).
    return { partial: unavailableSources.length > 0, unavailableSources, ...figures };
  },

  lifecycle: async (customer, _args, ctx, info) => {
    // The stage needs the purchases only; when the customer became known (`since` and `reason`
    // of a customer who never bought) needs their records' creations too.
    const streams = selects(info, 'since') || selects(info, 'reason') ? [...PURCHASE_STREAMS, ...CREATION_STREAMS] : PURCHASE_STREAMS;
    const { history, failures } = await purchasesOf(customer, ctx, streams);
    const figures = figuresOf(history, ctx).lifecycle;
    const unavailableSources = reportFailures(customer, failures, ctx, info);
    return { partial: unavailableSources.length > 0, unavailableSources, ...figures };
  },

  clv: async (customer, _args, ctx, info) => {
    const model = ctx.services.insights.clvModel;
    if (model === null) return noModel();
    const { history, failures } = await purchasesOf(customer, ctx, PURCHASE_STREAMS);
    const unavailableSources = reportFailures(customer, failures, ctx, info);
    return clvOf(history, ctx, unavailableSources);
  },
};

/** The fields of `Clv` that take arguments or compute (the others are the parent's). */
export const clvResolvers: ClvResolvers<RequestContext> = {
  pAlive: (clv, _args, ctx) => {
    const figures = figuresOfClv(clv, ctx);
    return figures ? figures.pAlive : clvPAlive(clv);
  },
  expectedPurchases: (clv, args) => clvExpectedPurchases(clv, horizonDays(args.days)),
  expectedAverageSpend: (clv) => clvExpectedAverageSpend(clv) ?? moneyUnavailable(clv),
  value: (clv, args, ctx) => {
    const months = horizonMonths(args.months);
    const figures = figuresOfClv(clv, ctx);
    return (figures ? figures.value(months) : clvValue(clv, months)) ?? moneyUnavailable(clv);
  },
  currency: (clv) => (clv.model.currency === null ? null : clv.model.currency.toUpperCase()),
  model: (clv) => ({ fittedAt: clv.model.fittedAt, sampleSize: clv.model.sampleSize, timeUnit: clv.model.timeUnit, source: clv.model.source }),
};

/**
 * The customer's purchase history from the given streams (each read whole, once per request),
 * in the shop's currency and the retailer's calendar, and the silos that failed. Built once per
 * request, customer and set of streams: `rfm`, `lifecycle` and `clv` in one query share it.
 */
export function purchasesOf(customer: CustomerParent, ctx: RequestContext, streams: readonly JourneyStream[]): Promise<PurchaseRead> {
  return oncePerCustomer((ctx.purchaseHistories ??= new Map()), customer, streams.join(' '), () => readPurchases(customer, ctx, streams));
}

async function readPurchases(customer: CustomerParent, ctx: RequestContext, streams: readonly JourneyStream[]): Promise<PurchaseRead> {
  const [{ touchpoints, failures }, currency] = await Promise.all([settledHistories(wholeHistories(customer, ctx, streams)), shopCurrency(customer, ctx)]);
  return { history: purchaseHistory(touchpoints, { currency: shopCurrencyOf(touchpoints, currency), timeZone: ctx.services.insights.timeZone }), failures };
}

/**
 * The customer's CLV figures with the loaded model, as of the request's instant; null without
 * one. Without failed silos they are the history's own, shared in the request (history-figures.ts).
 */
export function clvOf(history: PurchaseHistory, ctx: RequestContext, unavailableSources: CustomerClv['unavailableSources'] = []): CustomerClv | null {
  if (unavailableSources.length === 0) return figuresOf(history, ctx).clv;
  const { clvModel, valuation } = ctx.services.insights;
  if (clvModel === null) return null;
  return customerClv(clvModel, bgNbdInputs(history, requestNow(ctx)), history.currency, valuation, unavailableSources);
}

/** The customer's RFM over `windowDays`, scored against the loaded model's breakpoints (none without a model). */
export function rfmOf(history: PurchaseHistory, now: number, windowDays: number, ctx: RequestContext): RfmFigures {
  return customerRfm(history, now, { windowDays, breakpoints: ctx.services.insights.clvModel?.rfm ?? null });
}

/**
 * A null money figure: the answer itself for a customer who never bought; for a buyer, an error
 * at the field saying why the model cannot value their money (CLV_MONEY_UNAVAILABLE).
 */
function moneyUnavailable(clv: CustomerClv): GraphQLError | null {
  const reason = clvMoneyUnavailable(clv);
  if (reason === null) return null;
  const model = clv.model.currency?.toUpperCase();
  const message = {
    noSpendModel:
      'The lifetime-value model was fitted without spend (a CSV without zbar/monetary_value): it gives pAlive and expectedPurchases, not money. Fit one with spend (README, "Lifetime value").',
    modelWithoutCurrency:
      'The lifetime-value model has no currency (fitted with `npm run clv -- fit --csv` without --currency): money is never valued in an unknown currency. Fit it again with --currency.',
    otherCurrency: `This customer's purchases are not in the model's currency (${model}): money is never converted.`,
  }[reason];
  return clientError(ErrorCode.CLV_MONEY_UNAVAILABLE, message, { reason });
}

/** `clv` without a model: null, and an error at the field saying how to get one. */
function noModel(): GraphQLError {
  return clientError(
    ErrorCode.CLV_MODEL_MISSING,
    'No lifetime-value model is loaded: fit one with `npm run clv -- fit --sample N --out clv-model.json` and start the gateway with CLV_MODEL_FILE=clv-model.json (README, "Lifetime value").',
  );
}
