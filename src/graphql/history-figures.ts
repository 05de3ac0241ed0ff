/**
 * The model figures of one purchase history, each computed at most once per request however many
 * fields ask for them. In the personalization question, `customers(ids:) { lifecycle { stage }
 * clv { value(months: 12) } segments { name } }`, the stage needs P(alive), `clv` the customer's
 * BG/NBD inputs and the value, and the segments' features the stage, P(alive) and the value
 * again: computed field by field, that was P(alive) three times and the 12-month value (twelve
 * monthly expected-purchase terms) twice per customer.
 */
import { clvPAlive, clvValue, customerClv, type CustomerClv } from '../insights/customer-clv.js';
import { customerLifecycle, type LifecycleFigures } from '../insights/lifecycle.js';
import { bgNbdInputs, type PurchaseHistory } from '../insights/purchase-history.js';
import { requestNow, type RequestContext } from './context.js';

/** One purchase history's figures as of the request's instant (context.ts `requestNow`), each made on first use. */
export class HistoryFigures {
  #clv: CustomerClv | null | undefined;
  #pAlive: number | null | undefined;
  #lifecycle: LifecycleFigures | undefined;
  #values: Map<number, number | null> | undefined;

  constructor(
    readonly history: PurchaseHistory,
    private readonly ctx: RequestContext,
  ) {}

  /** The customer's CLV inputs under the loaded model (none partial: a caller with failed silos builds its own); null without a model. */
  get clv(): CustomerClv | null {
    if (this.#clv === undefined) {
      const { clvModel, valuation } = this.ctx.services.insights;
      this.#clv = clvModel === null ? null : customerClv(clvModel, bgNbdInputs(this.history, requestNow(this.ctx)), this.history.currency, valuation);
      if (this.#clv !== null) (this.ctx.clvFigures ??= new Map()).set(this.#clv, this);
    }
    return this.#clv;
  }

  /** P(alive) now, 0 to 1; null without a model or for a customer who never bought. */
  get pAlive(): number | null {
    if (this.#pAlive === undefined) this.#pAlive = this.clv === null ? null : clvPAlive(this.clv);
    return this.#pAlive;
  }

  /** The lifecycle stage with the configured thresholds and, with a model, P(alive). */
  get lifecycle(): LifecycleFigures {
    return (this.#lifecycle ??= customerLifecycle(this.history, requestNow(this.ctx), { thresholds: this.ctx.services.insights.lifecycle, pAlive: this.pAlive }));
  }

  /**
   * Lifetime value over the next `months` months in the model's currency; null without a model or when the money is unknown (customer-clv.ts `clvValue`).
   * @throws RangeError when months is outside 1..120.
   */
  value(months: number): number | null {
    const clv = this.clv;
    if (clv === null) return null;
    const values = (this.#values ??= new Map());
    let value = values.get(months);
    if (value === undefined) {
      value = clvValue(clv, months);
      values.set(months, value);
    }
    return value;
  }
}

/** The figures of `history` for this request: made on the first ask, shared by every field after. */
export function figuresOf(history: PurchaseHistory, ctx: RequestContext): HistoryFigures {
  const memo = (ctx.historyFigures ??= new Map());
  let figures = memo.get(history);
  if (figures === undefined) {
    figures = new HistoryFigures(history, ctx);
    memo.set(history, figures);
  }
  return figures;
}

/** The figures whose `clv` is this object (`Clv.pAlive` and `Clv.value` share them); undefined for CLV inputs made elsewhere. */
export function figuresOfClv(clv: CustomerClv, ctx: RequestContext): HistoryFigures | undefined {
  return ctx.clvFigures?.get(clv);
}
