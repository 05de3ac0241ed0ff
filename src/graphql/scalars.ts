/** The custom scalars. Silos' dates are passed through as ISO 8601 text, checked on the way out. */
import { GraphQLScalarType, Kind } from 'graphql';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoScalar(name: string, pattern: RegExp, example: string): GraphQLScalarType {
  const check = (value: unknown): string => {
    if (typeof value === 'string' && pattern.test(value)) return value;
    throw new TypeError(`${name} must be text like ${example}, got ${JSON.stringify(value)}.`);
  };
  return new GraphQLScalarType({
    name,
    serialize: check,
    parseValue: check,
    parseLiteral(ast) {
      if (ast.kind !== Kind.STRING) throw new TypeError(`${name} must be a string like ${example}.`);
      return check(ast.value);
    },
  });
}

export const DateTimeScalar = isoScalar('DateTime', DATE_TIME, '2026-03-14T09:26:53.000Z');
export const DateScalar = isoScalar('Date', DATE, '1988-07-02');
