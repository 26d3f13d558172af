import {
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
  type JsonRpcId,
  type JsonRpcResponse,
} from './json-rpc.js';

// ---------------------------------------------------------------------------------------------
// A strict reading of the specification's Response object (section 5).

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function survivesJson(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

export function isResponseId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

const PREDEFINED = new Set([
  PARSE_ERROR,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  INVALID_PARAMS,
  INTERNAL_ERROR,
]);

/**
 * `jsonrpc` exactly "2.0"; exactly one of `result` and `error`; `id` present and a string, a
 * finite number or null; `error` with an integer `code`, a string `message` and an optional
 * `data`; codes in -32768…-32000 only the predefined ones or the server range -32099…-32000;
 * a parse error answered with id null; all of it survives JSON.
 */
export function isWellFormedResponse(value: unknown): value is JsonRpcResponse {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'id,jsonrpc,result' && keys !== 'error,id,jsonrpc') return false;
  if (value.jsonrpc !== '2.0' || !isResponseId(value.id)) return false;
  if (keys === 'id,jsonrpc,result') return value.result !== undefined && survivesJson(value.result);
  const error = value.error;
  if (!isPlainObject(error)) return false;
  const errorKeys = Object.keys(error);
  if (!errorKeys.includes('code') || !errorKeys.includes('message')) return false;
  if (!errorKeys.every((key) => key === 'code' || key === 'message' || key === 'data'))
    return false;
  const { code, message } = error;
  if (typeof code !== 'number' || !Number.isSafeInteger(code) || typeof message !== 'string') {
    return false;
  }
  if ('data' in error && (error.data === undefined || !survivesJson(error.data))) return false;
  if (code >= -32768 && code <= -32000 && !PREDEFINED.has(code) && code < -32099) return false;
  if (code === PARSE_ERROR && value.id !== null) return false;
  return survivesJson(value);
}
