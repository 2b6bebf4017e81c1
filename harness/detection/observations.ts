// What the authorization setup saw, handed to the checks that depend on it (Playwright's auth-setup pattern:
// state goes through a file, because setup and checks run in different workers). Kept under .preflight/ (never
// committed); URLs are stored with their secrets replaced.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createRedactor } from '../report/redact.ts';
import { fingerprint } from '../emulator/ledger.ts';
import { TOKEN_SHAPE, tokenKind } from '../baidu/tokens.ts';
import type { ScanObservations } from './scan.ts';
import type { ActionResult } from './hook.ts';

export interface AuthorizationObservations {
  appId: number | null;
  /** `newTab`: the 授权发起页 opened Baidu's authorization page in a new tab (target=_blank, window.open). */
  startPage: { url: string; status: number | null; error?: string; newTab?: boolean };
  authorizationPage: { reached: boolean; url?: string; errno?: number; error?: string };
  qr: { decoded: boolean; target?: string; error?: string };
  mobile: { confirmed: boolean; error?: string; errno?: number };
  callback: { reached: boolean; url?: string; status?: number | null; text?: string; error?: string };
  /** Ledger seq before the setup started, so checks can look at what happened after. */
  ledgerStart: number;
  screenshots: { name: string; path: string }[];
  durationsMs: Record<string, number>;
  /** The admin's browser state was saved for the probes' second scan (and removed when the run ended). */
  browserStateSaved?: boolean;
}

/**
 * `: <cause>` for a skip reason that points at another check ("see auth.scan-authorization"): when that check is
 * not in the run (a rerun of this one alone), the cause would otherwise not show anywhere.
 */
export function becauseOf(cause: string | undefined): string {
  return cause ? `: ${cause}` : '';
}

/** What the probes setup did and when: ledger seq marks around each injected fault. */
export interface ProbeObservations {
  appId: number | null;
  /** Ledger seq before the first fault: everything up to it is the TP's own doing. */
  start: number;
  skipped?: string;
  marks: Record<string, number>;
  hook: Record<string, ActionResult>;
  /** The identity a genuine ticket was sealed with after the message: the one the run's pushes do not use (§2.4). */
  identifier?: 'clientId' | 'tpAppId';
  /** What the 授权发起页 answered when the forged-push probe asked it to make the TP use a TP token. */
  forgedTrigger?: { status: number | null; error?: string };
  /**
   * The re-authorization without a push: the admin's second scan, with the same permission sets (what each part of
   * it saw), the generation of the code it issued and the push it caused (null: none, as the sets did not change).
   */
  silentReauth?: { scan: ScanObservations; generation: number | null; event: string | null; screenshots: { name: string; path: string }[] };
}

/** The scan's browser state (cookies, storage): the probes' second scan comes in it, as the same admin's would. */
export function scanBrowserStatePath(runDir: string): string {
  return path.join(runDir, 'scan-browser-state.json');
}

export function observationsPath(runDir: string, name: string): string {
  return path.join(runDir, `${name}.json`);
}

/**
 * Written redacted: checks quote observations in their reasons (a TP's page text, what its hook answered), and those
 * reach Playwright's HTML report and Allure, which no redactor reads. `secrets`: the run's (configSecrets).
 */
export function saveObservations(runDir: string, name: string, data: unknown, secrets: string[]): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(observationsPath(runDir, name), JSON.stringify(createRedactor(secrets)(data), null, 2));
}

export function loadObservations<T>(runDir: string, name: string): T | null {
  const p = observationsPath(runDir, name);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as T) : null;
}

/** The secret-bearing parameters of a URL, and the ledger's name for what each carries (a token's by its shape). */
const URL_SECRETS: Record<string, string> = {
  authorization_code: 'authorizationCode', code: 'authorizationCode', pre_auth_code: 'preAuthCode',
  access_token: 'accessToken', refresh_token: 'refreshToken', ticket: 'ticket',
};

function decoded(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s; // not valid percent-encoding: taken as it stands
  }
}

/**
 * Replaces the secret-bearing parameters of a URL (query or fragment) and any token in it by the emulator ledger's
 * fingerprint (`«authorizationCode:1a2b3c4d»`), so a reviewer can match the code a callback carried with the exchange
 * that used it. For display only.
 */
export function scrubUrl(url: string): string {
  const fp = (kind: string, value: string) => fingerprint(tokenKind(value) ?? kind, value);
  return url
    .replace(/([?&#])([^=&#?]+)=([^&#]*)/g, (whole, sep: string, key: string, value: string) => {
      const kind = URL_SECRETS[decoded(key)];
      return kind && value ? `${sep}${key}=${fp(kind, decoded(value))}` : whole;
    })
    .replace(TOKEN_SHAPE, (token) => fp('token', token));
}
