/** What a resolver can tell from the query about what it must compute. */
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';

/**
 * Whether the field being resolved selects `name` among its own fields (directly or through a
 * fragment): the shop is asked for its products' categories only when they are shown.
 */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
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
