/**
 * Main's check of every message from the renderer (IPC and HTTP), derived from the one declaration of each
 * method (`API` in api.ts): no hand-kept copy. A bad message gets an ApiArgError naming the method, the
 * argument and what was expected; a good one comes back parsed (null for an optional argument → undefined).
 */
import * as v from 'valibot';
import { API, type ApiArgs, type ApiMethod } from './api';

export class ApiArgError extends Error {
  constructor(method: string, message: string) {
    super(`${method}: ${message}`);
    this.name = 'ApiArgError';
  }
}

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(API, name);
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * The arguments of `method`, checked against its declaration and parsed. Throws ApiArgError for an unknown
 * method, too many arguments or a bad one. Trailing `undefined`s are allowed.
 */
export function parseArgs<M extends ApiMethod>(method: M, args: unknown): ApiArgs<M>;
export function parseArgs(method: unknown, args: unknown): unknown[];
export function parseArgs(method: unknown, args: unknown): unknown[] {
  if (!isApiMethod(method)) throw new ApiArgError(String(method).slice(0, 64), 'unknown method');
  if (!Array.isArray(args)) throw new ApiArgError(method, 'arguments must be an array');
  const schemas: readonly v.GenericSchema[] = API[method].args;
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  if (n > schemas.length) throw new ApiArgError(method, `takes at most ${schemas.length} arguments, got ${n}`);
  return schemas.map((schema, i) => {
    const r = v.safeParse(schema, args[i], { abortEarly: true });
    if (!r.success) throw new ApiArgError(method, `argument ${i + 1}: ${describeIssue(r.issues[0])}`);
    return r.output;
  });
}

/** Throws ApiArgError unless `args` fits the method's declaration. */
export function validateArgs(method: unknown, args: unknown): asserts method is ApiMethod {
  parseArgs(method, args);
}
