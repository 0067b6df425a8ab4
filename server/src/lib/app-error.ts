import { ERROR_SPECS, type ErrorCode } from '@o2o/shared';

/** The one error class. Everything a client may see is an AppError with a stable code. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_SPECS[code].message);
    this.name = 'AppError';
    this.status = ERROR_SPECS[code].status;
  }
}

export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', what);
