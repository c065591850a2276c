// Generated from tether_core::error::ErrorCode::ALL by its tests. Do not edit.
import type { ErrorCode } from './ErrorCode';

/** Every error code the backend uses. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'auth_failed',
  'unreachable',
  'tls',
  'local_taken',
  'lan_unavailable',
  'bad_input',
  'keyring',
  'not_logged_in',
  'store',
  'internal',
];
