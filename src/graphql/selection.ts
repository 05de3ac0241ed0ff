/** What a resolver can tell from the query about what it must compute. */
import { getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, type FieldNode, type FragmentSpreadNode, type GraphQLResolveInfo, type InlineFragmentNode, type SelectionNode } from 'graphql';

/**
 * Whether the field being resolved selects `name` among its own fields (directly or through a
 * fragment), as graphql-js will execute it: a selection under `@skip(if: true)` or
 * `@include(if: false)` (the GraphQL spec's two executable directives, literal or variable) is
 * not selected. The shop is asked for its products' categories only when they are shown; a
 * customer's whole histories are started early only for a `journeySummary` that will run.
 */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const included = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean => {
    // Most selections carry no directive: nothing to evaluate.
    if (node.directives === undefined || node.directives.length === 0) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.['if'] !== false;
  };
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (!included(selection)) return false;
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === name;
        case Kind.INLINE_FRAGMENT:
          return visit(selection.selectionSet.selections);
        case Kind.FRAGMENT_SPREAD: {
          const fragment = info.fragments[selection.name.value];
          return fragment !== undefined && visit(fragment.selectionSet.selections);
        }
      }
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && visit(node.selectionSet.selections));
}
