import { GraphQLScalarType, Kind } from 'graphql';
import { GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';

/** Integers up to 2^53 - 1, sent as JSON numbers: event sequence numbers and counters. */
export const SafeInt = GraphQLSafeInt;
/** An arbitrary JSON object (event payloads). */
export const JSONObject = GraphQLJSONObject;

/**
 * A proficiency as the caller writes it: 1–5, a label (beginner … expert, or in Turkish or
 * German), or a percentage (75 or "75%"). Studio stores and returns it as 1–5 (`Int`);
 * anything it cannot read is a BAD_USER_INPUT userError that lists the accepted forms.
 */
export const ProficiencyInput = new GraphQLScalarType<string | number, number>({
  name: 'ProficiencyInput',
  description:
    'A proficiency: 1-5; beginner, basic, intermediate, advanced, expert; a percentage (75 or "75%"); ' +
    'or the Turkish or German level names. Returned as Int 1-5.',
  serialize: (value) => Number(value),
  parseValue: (value) => {
    if (typeof value === 'number' || typeof value === 'string') return value;
    throw new TypeError('ProficiencyInput must be a number or a string');
  },
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
    if (ast.kind === Kind.STRING) return ast.value;
    throw new TypeError('ProficiencyInput must be a number or a string');
  },
});
