/**
 * Compiled execution: the gateway's operations run as functions compiled for each document by
 * graphql-jit (zalando-incubator/graphql-jit), where graphql-js's `execute` walks the document
 * and the schema again for every field of every request (bench/README.md, "Compiled execution").
 *
 * How it plugs in: as the `responseForOperation` hook of an Apollo Server plugin, the hook
 * Apollo's response cache uses to answer an operation without executing it (Apollo Server docs,
 * "Plugin event reference"). Apollo has parsed, validated and resolved the operation, and the
 * plugins' `didResolveOperation` (the gateway's operation limits) has run; the hook executes the
 * compiled function and hands Apollo the response, whose errors it has formatted as Apollo does
 * (`formatErrors` below). Apollo's `willSendResponse` hooks and serialization follow as for any
 * answer. (Apollo's other executor hook, its gateway interface, was tried first and made every
 * scavenge three times longer: bench/README.md.)
 *
 * What stays with graphql-js (the hook answers null, and Apollo executes as without it):
 * - a document's first uses: compiling costs a few ms, so an operation is compiled on its
 *   `compileAfterUses`th use. A client sending ever new documents never makes the gateway compile;
 * - operations that select introspection (`__schema`, `__type`, as Apollo Sandbox does), or
 *   spread a fragment at their root; mutations (the gateway's admin eviction: rare, not hot);
 * - a document graphql-jit cannot compile: marked, and not tried again;
 * - a request whose variables do not coerce: graphql-jit answers only errors then, in words of
 *   its own, and graphql-js answers instead, in the words Apollo Server recognizes
 *   (BAD_USER_INPUT) and clients know. No resolver has run by then, so nothing runs twice.
 *
 * Compiled functions are kept per document object: Apollo Server keeps parsed documents in its
 * document store (an LRU) and hands the same object for the same query text, so that a compiled
 * function lives as long as its document and goes with it (a WeakMap).
 */
import type { BaseContext, GraphQLRequestContextResponseForOperation, GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** What is known of one operation of one document: its uses so far, then its compiled form or that it cannot be compiled. */
type OperationPlan = { uses: number } | CompiledQuery | 'graphql-js';

/** Formats execution errors for the client as Apollo Server's own pipeline does (its `formatError` option, after its normalization). */
export type ExecutionErrorFormatter = (errors: ReadonlyArray<GraphQLError>) => GraphQLFormattedError[];

/** Settings of {@link compiledExecution}. */
export interface CompiledExecutionOptions {
  /** The use of an operation (1-based) at which it is compiled; earlier uses run on graphql-js. A whole number of at least 1. */
  compileAfterUses: number;
  /** The client's view of execution errors, as Apollo's `formatError` would give it. */
  formatErrors: ExecutionErrorFormatter;
}

/** The `responseForOperation` hook of compiled execution, and how many executions it answered since start. */
export interface CompiledExecution<Context extends BaseContext> {
  /**
   * The response of the compiled function for this request, or null to let Apollo Server
   * execute it with graphql-js (first uses, introspection, documents that do not compile,
   * variables that do not coerce). `didEncounterErrors` is given the execution's errors before
   * they are formatted, as Apollo gives them to the plugins' hook of that name. Rejects only as
   * the resolvers' own promises would.
   */
  responseFor(requestContext: GraphQLRequestContextResponseForOperation<Context>, didEncounterErrors: (errors: ReadonlyArray<GraphQLError>) => void): Promise<GraphQLResponse | null>;
  /** Executions by a compiled function, and those left to graphql-js. */
  readonly executions: { compiled: number; interpreted: number };
}

/**
 * Compiled execution of operations against `schema`, as the module comment says.
 * @throws RangeError when `compileAfterUses` is not a whole number of at least 1.
 */
export function compiledExecution<Context extends BaseContext>(schema: GraphQLSchema, options: CompiledExecutionOptions): CompiledExecution<Context> {
  const { compileAfterUses, formatErrors } = options;
  if (!Number.isInteger(compileAfterUses) || compileAfterUses < 1) throw new RangeError(`compileAfterUses takes a whole number of at least 1, got ${compileAfterUses}.`);
  const plans = new WeakMap<DocumentNode, Map<string, OperationPlan>>();
  const executions = { compiled: 0, interpreted: 0 };

  const planOf = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): CompiledQuery | null => {
    let byOperation = plans.get(document);
    if (byOperation === undefined) plans.set(document, (byOperation = new Map()));
    // The operation's own name: a request that names no operation of a one-operation document and one that names it share one plan.
    const key = operation.name?.value ?? '';
    const plan = byOperation.get(key);
    if (plan === 'graphql-js') return null;
    if (plan !== undefined && !('uses' in plan)) return plan;
    const uses = (plan?.uses ?? 0) + 1;
    if (uses < compileAfterUses) {
      byOperation.set(key, { uses });
      return null;
    }
    if (operation.operation !== 'query' || selectsIntrospection(operation)) {
      byOperation.set(key, 'graphql-js');
      return null;
    }
    const compiled = compileQuery(schema, document, operationName ?? undefined);
    if (!isCompiledQuery(compiled)) {
      byOperation.set(key, 'graphql-js');
      return null;
    }
    byOperation.set(key, compiled);
    return compiled;
  };

  return {
    executions,
    async responseFor({ document, operation, operationName, contextValue, request }, didEncounterErrors) {
      const compiled = planOf(document, operation, operationName);
      if (compiled === null) {
        executions.interpreted += 1;
        return null;
      }
      const result = await compiled.query(undefined, contextValue, request.variables ?? {});
      // Only errors and no data: the variables did not coerce (graphql-jit's words); graphql-js says it instead.
      if (!('data' in result) || result.data === undefined) {
        executions.interpreted += 1;
        return null;
      }
      executions.compiled += 1;
      const http = { status: undefined, headers: new HeaderMap() };
      if (result.errors === undefined || result.errors.length === 0) return { http, body: { kind: 'single', singleResult: { data: result.data } } };
      const errors = result.errors.map(asGraphqlJsError);
      didEncounterErrors(errors);
      return { http, body: { kind: 'single', singleResult: { data: result.data, errors: formatErrors(errors) } } };
    },
  };
}

/**
 * Whether the operation selects `__schema` or `__type` at its root, or may: a fragment at the
 * root is not looked into (rare outside introspection tools), and is left to graphql-js.
 */
function selectsIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD || selection.name.value === '__schema' || selection.name.value === '__type');
}

/**
 * A graphql-jit error as graphql-js makes it. graphql-jit's own errors (a GraphQLError subclass)
 * leave `extensions` undefined when the thrown error had none, as for a null in a non-null field,
 * and Apollo Server's error formatting reads `extensions.code` on every error. Message, path,
 * locations and the thrown error (with its extensions) are kept.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  // graphql-js derives locations from AST nodes, which graphql-jit does not keep; its locations are the same figures.
  (copy as { locations: GraphQLError['locations'] }).locations = error.locations;
  return copy;
}
