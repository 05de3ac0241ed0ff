/**
 * The limits on the size and cost of an operation, checked before anything runs (no silo is called
 * for a refused operation). Anchors: Apollo Router's request limits
 * (https://www.apollographql.com/docs/graphos/routing/security/request-limits: `max_aliases`,
 * `max_depth`, `parser_max_tokens`, `http_max_request_bytes`; its codes MAX_ALIASES_LIMIT and
 * MAX_DEPTH_LIMIT, and demand control's COST_ESTIMATED_TOO_EXPENSIVE), and the OWASP GraphQL cheat
 * sheet ("Query limiting"). Every refusal is HTTP 400 with its code, the figure and the limit.
 */
import type { BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, TypeInfo, ValidationContext, visit, visitInParallel, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { ErrorCode } from '../../shared/errors.js';
import { costContext, costEstimator } from './cost.js';

/** The operation limits (MAX_OPERATION_COST, MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, MAX_REQUEST_BYTES). */
export interface OperationLimits {
  /** The highest cost an operation may have, in the units of cost.ts (customers and items read). */
  maxCost: number;
  /** The most aliases in an operation, its fragments included (`__typename` aliases are free). */
  maxAliases: number;
  /** The deepest selection, in fields from the root field (1) to the leaf (`{ customer { crm { email } } }` is 3), fragments followed. */
  maxDepth: number;
  /** The most lexical tokens in a document (graphql-js `parse`'s `maxTokens`, through Apollo's `parseOptions`). */
  maxTokens: number;
  /** The largest request body, in bytes; over it: HTTP 413 REQUEST_TOO_LARGE. */
  maxRequestBytes: number;
}

/** The defaults: the README's, Sandbox's and the bench's operations pass; the measured attacks do not. */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxCost: 5_000,
  maxAliases: 30,
  maxDepth: 15,
  maxTokens: 15_000,
  maxRequestBytes: 1024 * 1024,
};

/**
 * The most fields the cost walk visits (graphql-query-complexity's `maxQueryNodes`): fragments spread
 * into each other multiply fields without adding tokens; past this, the operation is refused as too expensive.
 */
const MAX_COST_NODES = 10_000;

const numberFormat = new Intl.NumberFormat('en-US');
/** 64000 as "64,000". */
export const formatCount = (n: number): string => numberFormat.format(n);

/** A refusal: HTTP 400, one of the limit codes, the figure and the limit under `extensions`. */
export function limitError(code: ErrorCode, message: string, figures: { value?: number; limit: number }): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...figures, http: { status: 400 } } });
}

/**
 * The operation's type is one the gateway executes: `subscription` is refused with
 * OPERATION_NOT_SUPPORTED until subscriptions exist (graphql-js would answer a validation error).
 */
export function checkOperationType(document: DocumentNode, operationName: string | undefined | null): GraphQLError | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const chosen = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (chosen?.operation !== 'subscription') return undefined;
  return new GraphQLError('Subscriptions are not supported by this gateway yet: send a query (or a mutation) instead.', {
    extensions: { code: ErrorCode.OPERATION_NOT_SUPPORTED, operation: 'subscription', http: { status: 400 } },
  });
}

/**
 * The alias and depth limits, by graphql-armor's max-aliases and max-depth rules
 * (https://escape.tech/graphql-armor/docs/plugins/max-aliases, .../max-depth), run on the parsed
 * document. The first breach, with its figure, or undefined.
 */
export function checkShape(schema: GraphQLSchema, document: DocumentNode, limits: Pick<OperationLimits, 'maxAliases' | 'maxDepth'>): GraphQLError | undefined {
  let refusal: GraphQLError | undefined;
  const found = (error: GraphQLError): number | undefined => {
    const match = /found (\d+)/.exec(error.message);
    return match ? Number(match[1]) : undefined;
  };
  const aliases = maxAliasesRule({
    n: limits.maxAliases,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (_context, error) => {
        const value = found(error);
        refusal ??= limitError(
          ErrorCode.MAX_ALIASES_LIMIT,
          `This operation has ${value === undefined ? 'more than ' + formatCount(limits.maxAliases) : formatCount(value)} aliases, over the limit of ${formatCount(limits.maxAliases)}: ask for fewer (customers(ids:) takes up to 100 ids in one field).`,
          { ...(value === undefined ? {} : { value }), limit: limits.maxAliases },
        );
      },
    ],
  });
  const depth = maxDepthRule({
    n: limits.maxDepth,
    exposeLimits: true,
    flattenFragments: true,
    propagateOnRejection: false,
    onReject: [
      (_context, error) => {
        const value = found(error);
        refusal ??= limitError(
          ErrorCode.MAX_DEPTH_LIMIT,
          `This operation is ${value === undefined ? 'more than ' + formatCount(limits.maxDepth) : formatCount(value)} fields deep, over the limit of ${formatCount(limits.maxDepth)}.`,
          { ...(value === undefined ? {} : { value }), limit: limits.maxDepth },
        );
      },
    ],
  });
  // The rules' visitors on their own, as graphql-query-complexity's getComplexity runs its own:
  // graphql's validate() would first assert the schema is of its own copy of graphql-js, and
  // Apollo's may be another (the CommonJS one beside the ES module one, as under vitest).
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined);
  visit(document, visitInParallel([aliases(context), depth(context)]));
  return refusal;
}

/**
 * The cost of the operation with its variables (cost.ts), refused over `maxCost`. Undefined when
 * within the limit, or when the variables cannot be read (execution then refuses them, before any
 * resolver runs).
 */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined,
  maxCost: number,
): GraphQLError | undefined {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      estimators: [costEstimator],
      // Marks a whole-history field for the customer being priced: paid once per customer.
      context: costContext(),
      variables: variables ?? {},
      ...(operationName ? { operationName } : {}),
      maxQueryNodes: MAX_COST_NODES,
    });
  } catch (error) {
    if (error instanceof Error && /maximum allowed number of nodes/.test(error.message)) {
      return limitError(
        ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE,
        `This operation selects more than ${formatCount(MAX_COST_NODES)} fields once its fragments are spread, over what the gateway prices: ask for fewer.`,
        { limit: maxCost },
      );
    }
    return undefined;
  }
  if (cost <= maxCost) return undefined;
  return limitError(
    ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE,
    `This operation costs ${formatCount(cost)}, over the limit of ${formatCount(maxCost)}: each customer counts 1 (customers(ids:) its number of ids), times what is read in it (journey(first:) and the lists' limit count their size; journeySummary, lifecycle, clv, segments and the other whole-history fields 10 once per customer). Ask for fewer customers or smaller pages, or split the operation (README, "Limits and resilience").`,
    { value: cost, limit: maxCost },
  );
}

/** What the limits are checked on: Apollo Server's request context at `didResolveOperation`. */
export type ResolvedOperation = Pick<GraphQLRequestContextDidResolveOperation<BaseContext>, 'document' | 'request' | 'schema' | 'operationName'>;

/**
 * The check of the limits, for an Apollo Server plugin's `didResolveOperation` (server.ts): after
 * parsing (where MAX_TOKENS applies) and validation, before any resolver, so before any silo
 * call. The GraphQLError it throws there is the answer, with its `extensions.http` status (Apollo
 * Server docs, "Plugin event reference", didResolveOperation); a throw from an earlier hook would
 * be a 500. Checked in the order operation type, aliases, depth, cost: the first breach is thrown.
 */
export function operationLimitsCheck(limits: OperationLimits): (operation: ResolvedOperation) => Promise<void> {
  // Apollo's document store hands the same parsed document to every request of the same text, so
  // the checks are remembered per document (and the cost per sizes of its variables): a repeated
  // operation pays a map lookup, not the walks (about 60-180 µs each).
  const shapes = new WeakMap<DocumentNode, GraphQLError | null>();
  const costs = new WeakMap<DocumentNode, Map<string, GraphQLError | null>>();
  return async ({ document, request, schema, operationName }) => {
    let shape = shapes.get(document);
    if (shape === undefined) {
      shape = checkOperationType(document, operationName) ?? checkShape(schema, document, limits) ?? null;
      // The operation type depends on the operation chosen: remembered only for a document of one operation.
      if (document.definitions.filter((d) => d.kind === 'OperationDefinition').length === 1) shapes.set(document, shape);
    }
    if (shape) throw shape;
    const key = `${operationName ?? ''}|${sizesKey(request.variables)}`;
    let byKey = costs.get(document);
    let cost = byKey?.get(key);
    if (cost === undefined) {
      cost = checkCost(schema, document, operationName, request.variables, limits.maxCost) ?? null;
      if (!byKey) costs.set(document, (byKey = new Map()));
      if (byKey.size < MAX_COSTS_PER_DOCUMENT) byKey.set(key, cost);
    }
    if (cost) throw cost;
  };
}

/** How many variables' sizes a document's cost is remembered for. */
const MAX_COSTS_PER_DOCUMENT = 64;

/**
 * What the cost can depend on in the variables (cost.ts reads list lengths and whole numbers
 * only): lists as their lengths, strings as nothing, so that `$id` or 100 ids do not make a key each.
 */
export function sizesKey(variables: Record<string, unknown> | undefined): string {
  if (!variables) return '';
  return JSON.stringify(variables, (_key, value: unknown) => (Array.isArray(value) ? value.length : typeof value === 'string' ? '' : value));
}
