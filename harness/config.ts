// Run configuration from the environment and `.env`, validated with ajv. A bad value is a one-line message that
// names the variable and exit code 2 — never a stack trace (brief: "Bad input gets a clear error").
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { Ajv } from 'ajv';
import { SeededIds, freshSeed } from './seed.ts';
import { DEFAULT_PERMISSION_SETS, PERMISSION_SETS, permissionSet } from './detection/permissionSets.ts';

export type Target = 'emulator' | 'live';
export type PlatformMode = 'reference' | 'external';

export interface TpCredentials {
  clientId: string;
  tpAppId: number;
  messageToken: string;
  encodingAesKey: string;
}

export interface Config {
  target: Target;
  platform: PlatformMode;
  seed: string;
  permissionSets: string[];
  strict: boolean;
  /** Whether the probes (faults injected after every set acted) run; off makes a run shorter, e.g. in tests. */
  probes: boolean;
  chromiumPath?: string;
  tp: TpCredentials;
  /** 授权测试名单: the app ids allowed to authorize before 全网发布. */
  testAppIds: number[];
  emulatorPort: number;
  emulatorHost: string;
  /** HTTPS port of the emulator (with the local CA); none = HTTP only. */
  emulatorHttpsPort?: number;
  ticketIntervalS: number;
  pushBudgetMs: number;
  exchangeBudgetMs: number;
  waitS: number;
  /** The sets the admin leaves ticked on the phone; defaults to all selected (a partial grant when fewer). */
  grant: string[];
  auditQuota: number;
  auditDelayMs: number;
  /** How many run folders .preflight/runs keeps (0 = all). */
  keepRuns: number;
  /** A module started in place of the reference TP (the project's mutants), absolute; none = the reference TP. */
  referenceEntry?: string;
  /** External-platform URLs (issue 4); the reference TP fills them itself. */
  tpUrls: { authEvent?: string; messageEvent?: string; authStart?: string; hook?: string };
  /** Where the report files go (PREFLIGHT_REPORT_DIR). */
  reportDir: string;
  /**
   * The trailing identifier of encrypted pushes (reference §2.4: Baidu's demo calls it clientId; whether Baidu puts the
   * TP's Key or its numeric tpAppId there is UNKNOWN, so a TP should not depend on it — this lets a team try both).
   */
  pushIdentifier: 'clientId' | 'tpAppId';
}

/** Defaults of the numeric run options (README's configuration table). */
const DEFAULTS = { ticketIntervalS: 600, pushBudgetMs: 2000, exchangeBudgetMs: 5000, waitS: 20, auditQuota: 10, auditDelayMs: 100 } as const;

/** The 授权测试名单 a seed gives when TP_TEST_APP_IDS is not set. */
function seededTestAppIds(seed: string): number[] {
  const ids = new SeededIds(seed);
  return [0, 1, 2].map(() => ids.int('testAppId', 1_000_000, 99_999_999));
}

export type ReproducibleConfig = Pick<Config, 'seed' | 'target' | 'platform' | 'permissionSets' | 'strict'> &
  Partial<Pick<Config, 'referenceEntry' | 'probes' | 'grant' | 'testAppIds' | 'ticketIntervalS' | 'pushBudgetMs' | 'exchangeBudgetMs' | 'waitS' | 'auditQuota' | 'auditDelayMs'>>;

/**
 * The run's options that change what a check sees and differ from their defaults, as `VAR=value`, for a reproduce
 * command: a reviewer on another machine has the seed but not the run's environment or `.env`. Never a secret, a TP
 * URL or a path of this machine — those belong to the TP's own setup. Fields a caller leaves out count as defaults.
 */
export function reproduceEnv(c: ReproducibleConfig): string[] {
  const out: string[] = [];
  const differs = (k: string, v: unknown, dflt: unknown) => {
    if (v !== undefined && String(v) !== String(dflt)) out.push(`${k}=${v}`);
  };
  // The defaults are what the same seed alone configures: one source, parseConfig.
  const d = parseConfig({ PREFLIGHT_SEED: c.seed });
  differs('PREFLIGHT_TARGET', c.target, d.target);
  differs('PREFLIGHT_PLATFORM', c.platform, d.platform);
  differs('PREFLIGHT_PERMISSION_SETS', c.permissionSets.join(','), d.permissionSets.join(','));
  if (c.strict) out.push('PREFLIGHT_STRICT=1');
  // Another TP than the reference one answered (a mutant): rerunning without it would test the reference TP instead.
  if (c.referenceEntry && c.platform === 'reference') out.push(`PREFLIGHT_REFERENCE_ENTRY=${displayPath(c.referenceEntry)}`);
  if (c.probes === false) out.push('PREFLIGHT_PROBES=0');
  differs('PREFLIGHT_GRANT', c.grant?.join(','), c.permissionSets.join(','));
  differs('TP_TEST_APP_IDS', c.testAppIds?.join(','), d.testAppIds.join(','));
  differs('PREFLIGHT_TICKET_INTERVAL_S', c.ticketIntervalS, d.ticketIntervalS);
  differs('PREFLIGHT_PUSH_BUDGET_MS', c.pushBudgetMs, d.pushBudgetMs);
  differs('PREFLIGHT_EXCHANGE_BUDGET_MS', c.exchangeBudgetMs, d.exchangeBudgetMs);
  differs('PREFLIGHT_WAIT_S', c.waitS, d.waitS);
  differs('PREFLIGHT_AUDIT_QUOTA', c.auditQuota, d.auditQuota);
  differs('PREFLIGHT_AUDIT_DELAY_MS', c.auditDelayMs, d.auditDelayMs);
  return out;
}

/** The emulator's port when a person points a TP at it (external mode, `npm run emulator`, reproduce commands). */
export const DEFAULT_EMULATOR_PORT = 4010;

/** A path as a person reruns it from the project's folder: relative when it is inside it. */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

interface VarSpec {
  pattern?: string;
  enum?: string[];
  describe: string;
  /** Never printed, not even when it is wrong: a near-miss of a secret is most of the secret. */
  secret?: true;
}

// One row per variable; the README's configuration table follows this list.
/** 0–65535: a value the OS cannot bind is a configuration error, not a crash when the server starts. */
const PORT = '^(0|[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$';

export const VARIABLES: Record<string, VarSpec> = {
  PREFLIGHT_TARGET: { enum: ['emulator', 'live'], describe: 'emulator (default) or live' },
  PREFLIGHT_PLATFORM: { enum: ['reference', 'external'], describe: 'reference (default) or external' },
  PREFLIGHT_PERMISSION_SETS: { pattern: '^[^\\s,][^,]*(,[^,]+)*$', describe: 'comma-separated slugs or Chinese names' },
  PREFLIGHT_SEED: { pattern: '^[A-Za-z0-9_-]{1,64}$', describe: '1–64 characters of [A-Za-z0-9_-]' },
  PREFLIGHT_STRICT: { enum: ['0', '1', 'true', 'false'], describe: '0, 1, true or false; 1/true makes extended-check and probe failures fail the verdict' },
  PREFLIGHT_PROBES: { enum: ['0', '1', 'true', 'false'], describe: '0, 1, true or false; 0/false skips the probes (faults injected after the sets acted)' },
  CHROMIUM_PATH: { pattern: '^/.+', describe: 'an absolute path to a Chromium executable' },
  TP_CLIENT_ID: { pattern: '^[A-Za-z0-9]{8,64}$', describe: "the TP's Key, 8–64 letters or digits" },
  TP_APP_ID: { pattern: '^[1-9][0-9]{0,15}$', describe: 'the numeric tpAppId' },
  TP_MESSAGE_TOKEN: { pattern: '^[A-Za-z0-9]{3,64}$', describe: '消息验证TOKEN, 3–64 letters or digits', secret: true },
  TP_ENCODING_AES_KEY: { pattern: '^[A-Za-z0-9]{43}$', describe: '消息加解密Key, exactly 43 letters or digits', secret: true },
  TP_TEST_APP_IDS: { pattern: '^[1-9][0-9]{0,15}(,[1-9][0-9]{0,15})*$', describe: 'comma-separated numeric app ids' },
  TP_AUTH_EVENT_URL: { pattern: '^https?://', describe: 'an http(s) URL' },
  TP_MESSAGE_EVENT_URL: { pattern: '^https?://', describe: 'an http(s) URL' },
  TP_AUTH_START_URL: { pattern: '^https?://', describe: 'an http(s) URL' },
  TP_HOOK_URL: { pattern: '^https?://', describe: 'an http(s) URL' },
  PREFLIGHT_EMULATOR_PORT: { pattern: PORT, describe: 'a TCP port from 0 to 65535 (0 = any free port)' },
  PREFLIGHT_EMULATOR_HTTPS_PORT: { pattern: PORT, describe: 'a TCP port from 0 to 65535 for the HTTPS emulator (443 to stand in for openapi.baidu.com)' },
  PREFLIGHT_PUSH_IDENTIFIER: { enum: ['clientId', 'tpAppId'], describe: 'clientId or tpAppId: what the emulator puts after the message in encrypted pushes' },
  PREFLIGHT_TICKET_INTERVAL_S: { pattern: '^[1-9][0-9]*$', describe: 'seconds between ticket pushes' },
  PREFLIGHT_PUSH_BUDGET_MS: { pattern: '^[1-9][0-9]*$', describe: 'milliseconds a TP may take to answer a push' },
  PREFLIGHT_EXCHANGE_BUDGET_MS: { pattern: '^[1-9][0-9]*$', describe: 'milliseconds from callback to code exchange' },
  PREFLIGHT_WAIT_S: { pattern: '^[0-9]+$', describe: 'seconds to wait for a TP or a person to act' },
  PREFLIGHT_GRANT: { pattern: '^[^,]*(,[^,]+)*$', describe: 'permission sets the admin ticks when scanning (default: all selected)' },
  PREFLIGHT_AUDIT_QUOTA: { pattern: '^[0-9]+$', describe: 'audit submissions per week in the emulator' },
  PREFLIGHT_AUDIT_DELAY_MS: { pattern: '^[0-9]+$', describe: 'milliseconds before the emulated audit result is pushed' },
  PREFLIGHT_KEEP_RUNS: { pattern: '^[0-9]{1,6}$', describe: 'how many run folders .preflight/runs keeps (0 = all)' },
  PREFLIGHT_REFERENCE_ENTRY: { pattern: '^.+\\.(ts|js|mjs)$', describe: 'a module that starts a TP in place of the reference TP (e.g. test/mutants/first-ticket.ts)' },
  PREFLIGHT_REPORT_DIR: { pattern: '^[^\\n]+$', describe: 'a folder for the report files' },
};

// The schema is built here from VARIABLES; skipping the meta-schema check saves its compile in every worker.
const ajv = new Ajv({ allErrors: false, validateSchema: false });
const validateVars = ajv.compile({
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(VARIABLES).map(([k, v]) => [k, { type: 'string', ...(v.enum ? { enum: v.enum } : { pattern: v.pattern }) }]),
  ),
});

function pick(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(VARIABLES)) {
    const v = env[k];
    if (v !== undefined && v.trim() !== '') out[k] = v.trim();
  }
  return out;
}

/** A wrong secret described without its characters: its length, and where the first one that is not allowed is. */
function secretShape(value: string): string {
  const chars = [...value];
  const bad = chars.findIndex((c) => !/[A-Za-z0-9]/.test(c));
  return `of ${chars.length} characters${bad >= 0 ? `, character ${bad + 1} not a letter or digit` : ''} (not shown: a secret)`;
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const v = pick(env);
  if (!validateVars(v)) {
    const err = validateVars.errors![0]!;
    const variable = err.instancePath.replace(/^\//, '');
    const value = v[variable] ?? '';
    const shown = VARIABLES[variable]?.secret ? secretShape(value) : JSON.stringify(value);
    throw new ConfigError(variable, `invalid value ${shown} (expected ${VARIABLES[variable]?.describe})`);
  }
  const seed = v.PREFLIGHT_SEED ?? freshSeed();
  const ids = new SeededIds(seed);
  const platform = (v.PREFLIGHT_PLATFORM ?? 'reference') as PlatformMode;

  const permissionSets: string[] = [];
  for (const raw of (v.PREFLIGHT_PERMISSION_SETS ?? DEFAULT_PERMISSION_SETS.join(',')).split(',')) {
    const set = permissionSet(raw);
    if (!set) throw new ConfigError('PREFLIGHT_PERMISSION_SETS', `unknown permission set ${JSON.stringify(raw.trim())} (expected ${knownSets()})`);
    if (!permissionSets.includes(set.slug)) permissionSets.push(set.slug);
  }

  if (v.PREFLIGHT_TARGET === 'live') {
    // The checks read the emulator's ledger; against openapi.baidu.com that evidence does not exist yet.
    throw new ConfigError('PREFLIGHT_TARGET', 'live is not available yet (the checks read the emulator\'s ledger); use emulator, and against Baidu itself npx preflight probe echostr / start-page / history');
  }
  if (platform === 'external') {
    // Every missing one at once: a team setting up external mode should not rerun once per variable.
    const missing = ['TP_CLIENT_ID', 'TP_APP_ID', 'TP_MESSAGE_TOKEN', 'TP_ENCODING_AES_KEY', 'TP_AUTH_EVENT_URL', 'TP_MESSAGE_EVENT_URL', 'TP_AUTH_START_URL'].filter((k) => !v[k]);
    if (missing.length) {
      throw new ConfigError(missing[0]!, `is required when PREFLIGHT_PLATFORM=external${missing.length > 1 ? `, and so are ${missing.slice(1).join(', ')}` : ''}`);
    }
  }

  const grant: string[] = [];
  for (const raw of (v.PREFLIGHT_GRANT ?? permissionSets.join(',')).split(',').filter((x) => x.trim())) {
    const set = permissionSet(raw);
    if (!set) throw new ConfigError('PREFLIGHT_GRANT', `unknown permission set ${JSON.stringify(raw.trim())} (expected ${knownSets()})`);
    // Baidu's confirmation page offers only the sets the TP selected: the admin cannot tick another.
    if (!permissionSets.includes(set.slug)) {
      throw new ConfigError('PREFLIGHT_GRANT', `${set.slug} (${set.zh}) is not among the selected sets (PREFLIGHT_PERMISSION_SETS: ${permissionSets.join(',')}); the admin can grant only what the TP selected`);
    }
    if (!grant.includes(set.slug)) grant.push(set.slug);
  }

  // Found out here rather than as a failed authorization step half a run later.
  if (v.CHROMIUM_PATH) {
    try {
      accessSync(v.CHROMIUM_PATH, constants.X_OK);
    } catch {
      throw new ConfigError('CHROMIUM_PATH', `${JSON.stringify(v.CHROMIUM_PATH)} is not an executable file here (unset it to use the system's Chromium or Playwright's own)`);
    }
  }

  const referenceEntry = v.PREFLIGHT_REFERENCE_ENTRY ? path.resolve(v.PREFLIGHT_REFERENCE_ENTRY) : undefined;
  if (referenceEntry && !existsSync(referenceEntry)) throw new ConfigError('PREFLIGHT_REFERENCE_ENTRY', `${JSON.stringify(v.PREFLIGHT_REFERENCE_ENTRY)} does not exist`);

  const testAppIds = v.TP_TEST_APP_IDS ? v.TP_TEST_APP_IDS.split(',').map(Number) : seededTestAppIds(seed);

  return {
    target: (v.PREFLIGHT_TARGET ?? 'emulator') as Target,
    platform,
    seed,
    permissionSets,
    strict: v.PREFLIGHT_STRICT === '1' || v.PREFLIGHT_STRICT === 'true',
    probes: !(v.PREFLIGHT_PROBES === '0' || v.PREFLIGHT_PROBES === 'false'),
    chromiumPath: v.CHROMIUM_PATH,
    tp: {
      clientId: v.TP_CLIENT_ID ?? ids.alnum('clientId', 32),
      tpAppId: Number(v.TP_APP_ID ?? ids.int('tpAppId', 10_000, 9_999_999)),
      messageToken: v.TP_MESSAGE_TOKEN ?? ids.alnum('messageToken', 32),
      encodingAesKey: v.TP_ENCODING_AES_KEY ?? ids.alnum('encodingAesKey', 43),
    },
    testAppIds,
    emulatorPort: Number(v.PREFLIGHT_EMULATOR_PORT ?? (platform === 'external' ? DEFAULT_EMULATOR_PORT : 0)),
    emulatorHost: '127.0.0.1',
    emulatorHttpsPort: v.PREFLIGHT_EMULATOR_HTTPS_PORT ? Number(v.PREFLIGHT_EMULATOR_HTTPS_PORT) : undefined,
    pushIdentifier: (v.PREFLIGHT_PUSH_IDENTIFIER ?? 'clientId') as Config['pushIdentifier'],
    ticketIntervalS: Number(v.PREFLIGHT_TICKET_INTERVAL_S ?? DEFAULTS.ticketIntervalS),
    pushBudgetMs: Number(v.PREFLIGHT_PUSH_BUDGET_MS ?? DEFAULTS.pushBudgetMs),
    exchangeBudgetMs: Number(v.PREFLIGHT_EXCHANGE_BUDGET_MS ?? DEFAULTS.exchangeBudgetMs),
    waitS: Number(v.PREFLIGHT_WAIT_S ?? DEFAULTS.waitS),
    grant,
    auditQuota: Number(v.PREFLIGHT_AUDIT_QUOTA ?? DEFAULTS.auditQuota),
    auditDelayMs: Number(v.PREFLIGHT_AUDIT_DELAY_MS ?? DEFAULTS.auditDelayMs),
    keepRuns: Number(v.PREFLIGHT_KEEP_RUNS ?? 20),
    referenceEntry,
    tpUrls: { authEvent: v.TP_AUTH_EVENT_URL, messageEvent: v.TP_MESSAGE_EVENT_URL, authStart: v.TP_AUTH_START_URL, hook: v.TP_HOOK_URL },
    reportDir: v.PREFLIGHT_REPORT_DIR ?? 'reports',
  };
}

/** Loads `.env` (without overriding the real environment) and parses; on error prints one line and exits 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  loadDotenv({ quiet: true });
  try {
    return parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`preflight: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** The trailing identifier the emulator seals into this TP's pushes (PREFLIGHT_PUSH_IDENTIFIER). */
export function pushIdentifierOf(c: Config): string {
  return c.pushIdentifier === 'tpAppId' ? String(c.tp.tpAppId) : c.tp.clientId;
}

/** The secret values of a config, for redaction. */
export function configSecrets(c: Config): string[] {
  return [c.tp.messageToken, c.tp.encodingAesKey];
}

/** The permission sets a variable accepts, for its error message: slugs and Baidu's names. */
function knownSets(): string {
  return PERMISSION_SETS.map((s) => `${s.slug}/${s.zh}`).join(', ');
}
