/**
 * Compiled execution: the gateway's operations run as functions compiled for each document by
 * graphql-jit (zalando-incubator/graphql-jit), where graphql-js's `execute` walks the document
 * and the schema again for every field of every request. On the journey question (20
 * touchpoints, their summary) graphql-js's walk is about a fifth of the gateway's CPU per request;
 * the compiled function does the same work in about half of it (bench/README.md, "Compiled
 * execution").
 *
 * How it plugs in: Apollo Server takes an executor only through its gateway interface
 * (`@apollo/server-gateway-interface`, the `gateway` option Apollo Gateway uses), which hands the
 * executor each request after Apollo has parsed, validated and resolved the operation and run
 * the plugins' `didResolveOperation` (the gateway's operation limits). Everything before and
 * after execution stays Apollo's: the document cache, validation, error formatting, the response.
 *
 * What stays with graphql-js:
 * - a document's first use: compiling costs a few ms, so a document is compiled on its second
 *   use (`compileAfterUses`). A client sending ever new documents never makes the gateway compile;
 * - operations that select introspection (`__schema`, `__type`, as Apollo Sandbox does), or
 *   spread a fragment at their root;
 * - a document graphql-jit cannot compile (it answers errors for it): run by graphql-js, once
 *   marked, without trying again;
 * - a request whose variables do not coerce: graphql-jit answers only errors then, in words of
 *   its own, and the request is run again by graphql-js, whose messages Apollo Server recognizes
 *   (BAD_USER_INPUT) and clients know. No resolver has run by then, so nothing runs twice.
 *
 * Compiled functions are kept per document object: Apollo Server keeps parsed documents in its
 * document store (an LRU) and hands the same object for the same query text, so that a compiled
 * function lives as long as its document and goes with it (a WeakMap).
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, GraphQLError, Kind, printSchema, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** What is known of one operation of one document: its uses so far, then its compiled form or that it cannot be compiled. */
type OperationPlan = { uses: number } | CompiledQuery | 'graphql-js';

/** An Apollo Server gateway that executes compiled, with how many executions went each way since start. */
export interface CompiledExecution extends GatewayInterface {
  /** Executions by a compiled function, and by graphql-js (first uses, introspection, documents that do not compile, variables that do not coerce). */
  readonly executions: { compiled: number; interpreted: number };
}

/** Settings of {@link compiledExecution}. */
export interface CompiledExecutionOptions {
  /** The use of a document (1-based) at which it is compiled; earlier uses run on graphql-js. At least 1. Default 2. */
  compileAfterUses?: number;
}

/**
 * An Apollo Server `gateway` (GatewayInterface) serving `schema` and executing operations
 * compiled by graphql-jit, as the module comment says. Pass it as `new ApolloServer({ gateway })`
 * in place of `schema`. The schema never changes: `onSchemaLoadOrUpdate` gives it once.
 * @throws RangeError when `compileAfterUses` is not a whole number of at least 1.
 */
export function compiledExecution(schema: GraphQLSchema, options: CompiledExecutionOptions = {}): CompiledExecution {
  const compileAfterUses = options.compileAfterUses ?? 2;
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
    if (selectsIntrospection(operation)) {
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

  const executor: GatewayExecutor = async ({ document, operation, operationName, context, request }) => {
    const variables = request.variables ?? {};
    const compiled = planOf(document, operation, operationName);
    if (compiled !== null) {
      const result = await compiled.query(undefined, context, variables);
      // Only errors and no data: the variables did not coerce (graphql-jit's words); graphql-js says it below.
      if (!('data' in result) || result.data === undefined) return interpreted();
      executions.compiled += 1;
      return result.errors === undefined ? result : { ...result, errors: result.errors.map(asGraphqlJsError) };
    }
    return interpreted();

    async function interpreted() {
      executions.interpreted += 1;
      return execute({ schema, document, contextValue: context, variableValues: variables, operationName: operationName ?? undefined });
    }
  };

  return {
    executions,
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
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
 * and Apollo Server's error formatting reads `extensions.code` on every error: such an error
 * would reach the client as "Internal server error". Message, path, locations and the thrown
 * error (with its extensions) are kept.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  // graphql-js derives locations from AST nodes, which graphql-jit does not keep; its locations are the same figures.
  (copy as { locations: GraphQLError['locations'] }).locations = error.locations;
  return copy;
}
