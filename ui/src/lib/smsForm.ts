// The SMS gateway sign-in form's values: defaults, the checks made before
// asking the backend (which has the last word), and the `sms_login` form.

import type { SmsSettings } from './bindings/SmsSettings';
import type { SmsSignIn } from './bindings/SmsSignIn';
import { isValidId } from './ids';

/** The usual CMPP gateway port. */
export const DEFAULT_SMS_PORT = 7890;
/** The suggested name of a first SMS account. */
export const DEFAULT_SMS_NAME = 'sms';

export type CmppVersion = '2.0' | '3.0';
export type ConnectionMode = 'long' | 'short';
/** Fee_UserType: 0 the recipient pays, 1 the sender, 2 the SP. */
export type FeeUserType = 0 | 1 | 2;

/** What the form holds, as typed (the port is text until checked). */
export type SmsDraft = {
  name: string,
  host: string,
  port: string,
  spId: string,
  secret: string,
  srcId: string,
  serviceId: string,
  version: CmppVersion,
  mode: ConnectionMode,
  feeUserType: FeeUserType,
  feeType: string,
  feeCode: string,
  remember: boolean,
};

/** Checked fields, in the order the form shows them (the first wrong one takes the focus). */
export const SMS_FIELDS = ['name', 'host', 'port', 'spId', 'secret', 'srcId', 'serviceId', 'feeType', 'feeCode'] as const;
export type SmsField = (typeof SMS_FIELDS)[number];
/** How a field's element ids end: "-sms-" and this ("spId" → "sp-id"). */
export function fieldSlug(field: SmsField): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Fields inside the "Advanced" disclosure. */
export const ADVANCED_FIELDS: readonly SmsField[] = ['serviceId', 'feeType', 'feeCode'];

/** "taken": the name of another account; "invalid": anything else wrong. */
export type Problem = 'invalid' | 'taken';
export type SmsProblems = Partial<Record<SmsField, Problem>>;

/** `sms`, else `sms-2`, `sms-3`, … : a name no saved account has. */
export function suggestName(taken: readonly string[]): string {
  if (!taken.includes(DEFAULT_SMS_NAME)) return DEFAULT_SMS_NAME;
  let n = 2;
  while (taken.includes(`${DEFAULT_SMS_NAME}-${n}`)) n++;
  return `${DEFAULT_SMS_NAME}-${n}`;
}

/** Splits "host:port" (as an SMS account's server line reads) at its last colon. */
export function splitHostPort(server: string): { host: string, port: string } {
  const at = server.lastIndexOf(':');
  if (at <= 0 || !/^\d+$/.test(server.slice(at + 1))) return { host: server, port: String(DEFAULT_SMS_PORT) };
  return { host: server.slice(0, at), port: server.slice(at + 1) };
}

/** A saved SMS account signed in to again: all of its form but the secret. */
export type SmsAgain = { name: string, server: string, srcId: string, settings: SmsSettings | null };

/**
 * A fresh form: the saved account's settings when signing in to it again
 * (only the secret, never shown, is typed again), else a name no other
 * account has and the usual defaults.
 */
export function initialDraft(again: SmsAgain | null, taken: readonly string[]): SmsDraft {
  const { host, port } = again ? splitHostPort(again.server) : { host: '', port: String(DEFAULT_SMS_PORT) };
  const saved = again?.settings;
  return {
    name: again?.name ?? suggestName(taken),
    host,
    port,
    spId: saved?.sp_id ?? '',
    secret: '',
    srcId: again?.srcId ?? '',
    serviceId: saved?.service_id ?? '',
    version: saved?.version === '3.0' ? '3.0' : '2.0',
    mode: saved?.mode === 'short' ? 'short' : 'long',
    feeUserType: saved && [0, 1, 2].includes(saved.fee_user_type) ? (saved.fee_user_type as FeeUserType) : 2,
    feeType: saved?.fee_type ?? '01',
    feeCode: saved?.fee_code ?? '000000',
    remember: true,
  };
}

const digits = (max: number) => new RegExp(`^[0-9]{1,${max}}$`);

/**
 * A host name or an address, alone: no scheme, path or spaces, and no
 * ":port" (one colon; an IPv6 address has several).
 */
function isHost(host: string): boolean {
  return /^[^\s/]+$/.test(host) && (host.match(/:/g)?.length ?? 0) !== 1;
}

function isPort(port: string): boolean {
  return /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

/**
 * What is wrong with the form, by field (empty when nothing is).
 * `taken`: the names of the other saved accounts (one is replaced only
 * when signing in to it again).
 */
export function checkDraft(draft: SmsDraft, taken: readonly string[]): SmsProblems {
  const problems: SmsProblems = {};
  const name = draft.name.trim();
  if (!isValidId(name)) problems.name = 'invalid';
  else if (taken.includes(name)) problems.name = 'taken';
  if (!isHost(draft.host.trim())) problems.host = 'invalid';
  if (!isPort(draft.port.trim())) problems.port = 'invalid';
  if (!digits(6).test(draft.spId.trim())) problems.spId = 'invalid';
  // The secret is taken as typed: spaces may be part of it.
  if (draft.secret === '') problems.secret = 'invalid';
  if (!digits(21).test(draft.srcId.trim())) problems.srcId = 'invalid';
  if (!/^[\x21-\x7e]{0,10}$/.test(draft.serviceId.trim())) problems.serviceId = 'invalid';
  if (!/^[0-9]{2}$/.test(draft.feeType.trim())) problems.feeType = 'invalid';
  if (!digits(6).test(draft.feeCode.trim())) problems.feeCode = 'invalid';
  return problems;
}

/** The `sms_login` form of a checked draft. */
export function toSignIn(draft: SmsDraft): SmsSignIn {
  return {
    name: draft.name.trim(),
    host: draft.host.trim(),
    port: Number(draft.port.trim()),
    sp_id: draft.spId.trim(),
    secret: draft.secret,
    src_id: draft.srcId.trim(),
    service_id: draft.serviceId.trim(),
    version: draft.version,
    mode: draft.mode,
    fee_user_type: draft.feeUserType,
    fee_type: draft.feeType.trim(),
    fee_code: draft.feeCode.trim(),
    remember: draft.remember,
  };
}
