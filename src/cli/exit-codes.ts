import type { AppError } from '../core/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const USAGE_CODES = new Set(['USAGE', 'INVALID_INPUT', 'CONFIG_INVALID', 'NAME_INVALID', 'NAME_RESERVED']);

/** 0 ok, 1 failure, 2 usage or configuration error. */
export function exitCodeFor(error: AppError): number {
  return USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
}
