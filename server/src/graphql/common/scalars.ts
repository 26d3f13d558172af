import { GraphQLJSONObject, GraphQLSafeInt } from 'graphql-scalars';

/** Integers up to 2^53 - 1, sent as JSON numbers: event sequence numbers and counters. */
export const SafeInt = GraphQLSafeInt;
/** An arbitrary JSON object (event payloads). */
export const JSONObject = GraphQLJSONObject;
