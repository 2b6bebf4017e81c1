// Redaction for everything the reporter writes (brief: "Secrets … never appear in reports, logs or git: redact them
// in evidence"). Evidence is whatever a check chose to keep — request URLs, push bodies, store snapshots — so this
// works on values, not on known fields: literal secrets, Baidu token shapes, 32-hex tickets, secret-named keys.
import { OAUTH_ERROR_NAMES } from '../baidu/errors.ts';
import { TOKEN_SHAPE } from '../baidu/tokens.ts';

export const REDACTED = '[REDACTED]';

/** Tickets (and other opaque ids Baidu mints as 32 lowercase hex). */
const HEX32 = /\b[0-9a-f]{32}\b/g;

/** Literal secrets shorter than this are not replaced: a 3-character message token would shred ordinary text. */
const MIN_SECRET_LENGTH = 6;

// Secret-bearing names, compared case-insensitively with `_`/`-` removed (access_token ≡ accessToken ≡ AccessToken).
const SECRET_KEYS = new Set([
  'accesstoken', 'refreshtoken', 'ticket', 'encodingaeskey', 'aeskey', 'token', 'messagetoken',
  'preauthcode', 'authorizationcode', 'authcode', 'code', 'clientsecret', 'secret',
]);
// Compound names a suite may invent (authorizer_access_token, tp_ticket, componentVerifyTicket …).
const SECRET_SUFFIXES = ['accesstoken', 'refreshtoken', 'ticket', 'aeskey', 'preauthcode', 'authorizationcode', 'secret'];

/** OAuth error names (harness/baidu/errors.ts), which Baidu's OAuth endpoints answer with (reference §1.5–1.6). */
const OAUTH_ERRORS: ReadonlySet<string> = new Set(OAUTH_ERROR_NAMES);

/**
 * Already-safe stand-ins a secret-named key may hold: our own `[REDACTED…]` and fingerprints like `[sha256:…]`, and
 * the emulator ledger's `«ticket:1a2b3c4d»` (harness/emulator/ledger.ts), which let a reviewer correlate values.
 */
function isFingerprint(v: string): boolean {
  // …and a reproduce command's shell variable (`access_token=$ACCESS_TOKEN`): a name, never a value; and an OAuth
  // error name, which the client reports under `code` (the key authorization codes travel under, too).
  return v.startsWith('[') || /^«[^»]*»$/.test(v) || /^\$[A-Z][A-Z0-9_]*$/.test(v) || OAUTH_ERRORS.has(v);
}

function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

export function isSecretKey(key: string): boolean {
  const k = normalizeKey(key);
  return SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

// The same names inside strings: URL queries (`?access_token=…&ticket=…`) and serialized JSON bodies
// (`"refresh_token":"…"`), which evidence often keeps verbatim.
const KEY_ALTERNATION = [
  'access_token', 'refresh_token', 'ticket', 'Ticket', 'encodingAesKey', 'EncodingAESKey', 'encoding_aes_key', 'aes_key',
  'token', 'messageToken', 'message_token', 'pre_auth_code', 'authorization_code', 'authorizationCode', 'auth_code', 'code',
  'client_secret',
].join('|');
const QUERY_PARAM = new RegExp(`([?&;](?:${KEY_ALTERNATION})=)([^&#\\s"'<>]+)`, 'g');
const JSON_FIELD = new RegExp(`("(?:${KEY_ALTERNATION})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)"`, 'g');

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Returns a function that deep-copies a JSON-like value with secrets replaced. Strings (including object keys — a
 * store snapshot may be keyed by token) lose literal secrets, token shapes and 32-hex runs; values under secret-named
 * keys become `[REDACTED]` unless they already are a fingerprint (`[sha256:…]`, `«ticket:1a2b3c4d»`). Numbers under such keys are
 * kept: `code` is also Baidu's numeric error field (`code: 40002`) and numeric codes are not credentials.
 */
export function createRedactor(secrets: string[]): (value: unknown) => unknown {
  const literals = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))]
    // Longest first so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  const literalRe = literals.length ? new RegExp(literals.map(escapeRegExp).join('|'), 'g') : undefined;

  const redactString = (s: string): string => {
    let out = s;
    if (literalRe) out = out.replace(literalRe, REDACTED);
    // Token shape before hex32: the token's middle is itself a 32-hex run.
    out = out.replace(TOKEN_SHAPE, '[REDACTED:token]');
    out = out.replace(HEX32, '[REDACTED:hex32]');
    out = out.replace(QUERY_PARAM, (_m, k: string, v: string) => (isFingerprint(v) || /^%5B|^%C2%AB/i.test(v) ? k + v : k + REDACTED));
    out = out.replace(JSON_FIELD, (_m, k: string, v: string) => (isFingerprint(v) ? `${k}${v}"` : `${k}${REDACTED}"`));
    return out;
  };

  const walk = (value: unknown, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((v) => walk(v, seen));
      if (value instanceof Date) return value.toISOString();
      if (typeof Buffer !== 'undefined' && Buffer.isBuffer(value)) return `[${value.length} bytes]`;
      const out: Record<string, unknown> = {};
      for (const [rawKey, v] of Object.entries(value as Record<string, unknown>)) {
        let key = redactString(rawKey);
        // Two secret keys may collapse to the same placeholder; keep both entries.
        for (let i = 2; key in out; i++) key = `${redactString(rawKey)}#${i}`;
        if (isSecretKey(rawKey) && typeof v === 'string') out[key] = isFingerprint(v) ? redactString(v) : REDACTED;
        else out[key] = walk(v, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  };

  return (value: unknown) => walk(value, new WeakSet());
}
