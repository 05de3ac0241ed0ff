/**
 * From parsed `customer(id:)` arguments to CustomerParents, through the identity resolver (cache,
 * single-flight, lockstep resolution) with the request's batched lookups.
 */
import type { GraphQLError } from 'graphql';
import { clientError, ErrorCode, inputPrefix, sourceFailure } from '../shared/errors.js';
import type { RequestContext } from './context.js';
import type { CustomerParent } from '../identity/resolved-customer.js';
import type { CustomerIdInput } from '../identity/identifier.js';
import type { Resolution } from '../identity/identity-resolver.js';
import type { Identifier } from '../../connectors/types.js';
import { assertNever } from '../../connectors/shared/exhaustive.js';

/** One answer per input, in order: the customer, null when unknown, or the error to report. */
export async function resolveCustomers(
  inputs: readonly CustomerIdInput[],
  ctx: RequestContext,
): Promise<Array<CustomerParent | null | GraphQLError>> {
  const { services, loaders } = ctx;
  const resolutions = await services.identity.resolveMany(
    inputs.map(startOf),
    (source, identifier) => loaders.lookup(source).load(identifier),
  );
  return resolutions.map((resolution, i) => answer(inputs[i]!, resolution));
}

/** Where resolution starts: the identifier, or the golden id's anchor record. */
export function startOf(input: CustomerIdInput): Identifier {
  return input.kind === 'golden' ? { type: input.anchor.source, value: input.anchor.id } : input.identifier;
}

function answer(input: CustomerIdInput, resolution: Resolution): CustomerParent | null | GraphQLError {
  switch (resolution.kind) {
    case 'found':
      return resolution.customer;
    case 'notFound':
      if (input.kind !== 'golden') return null;
      return clientError(
        ErrorCode.CUSTOMER_NOT_FOUND,
        `The golden id "${inputPrefix(input.goldenId)}" names a ${input.anchor.source} record (${inputPrefix(input.anchor.id)}) that no longer exists. ` +
          'Look the customer up again by another identifier (email, phone, card or a record key).',
      );
    case 'ambiguous': {
      const { type, value } = startOf(input);
      return clientError(
        ErrorCode.AMBIGUOUS_IDENTIFIER,
        `The ${type} "${inputPrefix(value)}" is held by records of several people (a household line, for example). ` +
          'Look the customer up by email, card or a record key.',
      );
    }
    case 'failed':
      return sourceFailure(resolution.error);
    default:
      return assertNever(resolution, 'resolution');
  }
}
