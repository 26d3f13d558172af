import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { error } from '@sveltejs/kit';
import { GraphQLRequestError, request } from './client';

export interface LoadRecordOptions<TResult, TVariables, TRecord> {
  readonly document: TypedDocumentNode<TResult, TVariables>;
  readonly variables: TVariables;
  /** The load function's `fetch`. */
  readonly fetch: typeof fetch;
  readonly pick: (data: TResult) => TRecord | null;
  /** Shown when the record does not exist, e.g. `No workspace has the id “x”.` */
  readonly notFound: string;
}

/**
 * A load function's one record by id. The API answers null for a well-formed unknown id and
 * BAD_USER_INPUT for a malformed one: both are a 404 to the reader.
 */
export async function loadRecord<TResult, TVariables, TRecord>(
  options: LoadRecordOptions<TResult, TVariables, TRecord>,
): Promise<TRecord> {
  let data: TResult;
  try {
    data = await request(options.document, options.variables, { fetch: options.fetch });
  } catch (cause) {
    if (
      cause instanceof GraphQLRequestError &&
      (cause.code === 'BAD_USER_INPUT' || cause.code === 'NOT_FOUND')
    ) {
      error(404, { message: options.notFound, code: 'NOT_FOUND' });
    }
    return failLoad(cause);
  }
  const record = options.pick(data);
  if (record === null) error(404, { message: options.notFound, code: 'NOT_FOUND' });
  return record;
}

/** Shows a failed request on the error page with its code; rethrows anything else. */
export function failLoad(cause: unknown): never {
  if (cause instanceof GraphQLRequestError) {
    const { status } = cause;
    const shown =
      cause.code === 'NETWORK_ERROR' ? 503 : status !== undefined && status >= 400 ? status : 500;
    error(shown, { message: cause.message, code: cause.code });
  }
  throw cause;
}
