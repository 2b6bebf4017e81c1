// Every inbound call and outbound push, in order — the evidence every check cites by `seq`.
// Entries are kept raw in memory (recording must stay cheap under load) and redacted on the way out: secrets the
// emulator issued are replaced by stable fingerprints like «ticket:1a2b3c4d», so a reviewer can correlate values
// across entries without ever seeing one.
import { createHash } from 'node:crypto';
import { TOKEN_KINDS, TOKEN_SHAPE, type TokenType } from '../baidu/tokens.ts';

export type PushOutcome = 'ok' | 'bad-body' | 'http-error' | 'timeout' | 'connect-error' | 'too-large' | 'reset';

export interface CallEntry {
  seq: number;
  at: number;
  dir: 'in';
  endpointId: string | null;
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string>;
  status: number;
  response: unknown;
  durationMs: number;
  clientId?: string;
  appId?: number;
  /** Derived facts the checks reason on (e.g. which ticket a tp/token call used). */
  facts: Record<string, unknown>;
  flags: readonly string[];
  referer?: string;
}

export interface PushEntry {
  seq: number;
  at: number;
  dir: 'push';
  clientId: string;
  target: 'auth' | 'message';
  url: string;
  event: string;
  /** The decrypted message we sent. */
  message: unknown;
  envelope: Record<string, string>;
  status: number | null;
  replyBody: string;
  latencyMs: number;
  outcome: PushOutcome;
  cause?: string;
  facts: Record<string, unknown>;
}

export interface PageEntry {
  seq: number;
  at: number;
  dir: 'page';
  path: string;
  query: Record<string, string>;
  referer?: string;
  status: number;
  errno?: number;
  facts: Record<string, unknown>;
}

/** A Baidu tool other than the OpenAPI acting for the TP's developer: the developer tool's upload (定制开发). */
export interface ToolEntry {
  seq: number;
  at: number;
  dir: 'tool';
  tool: 'ide';
  action: 'upload';
  clientId: string;
  appId: number;
  /** 200 when the tool's action went through; otherwise Baidu's errno for why not, in `errno`. */
  status: number;
  errno?: number;
  facts: Record<string, unknown>;
}

/**
 * What the side door did to the TP's world (a probe revoking tokens, expiring one early, arming a transient error;
 * a test moving the clock): recorded so that a reader of the ledger sees why Baidu answered as it did next.
 */
export interface SideDoorEntry {
  seq: number;
  at: number;
  dir: 'sidedoor';
  /** e.g. `POST /__emulator/tp/revoke-tokens` */
  route: string;
  clientId?: string;
  appId?: number;
  /** The request's fields (never a secret: registration keeps only the TP's public identity). */
  input: Record<string, unknown>;
  /** The side door's HTTP status. `at` is when the action started; the entry is recorded when it is done. */
  status: number;
}

export type LedgerEntry = CallEntry | PushEntry | PageEntry | ToolEntry | SideDoorEntry;
type NewEntry = Omit<CallEntry, 'seq'> | Omit<PushEntry, 'seq'> | Omit<PageEntry, 'seq'> | Omit<ToolEntry, 'seq'> | Omit<SideDoorEntry, 'seq'>;

const MAX_ENTRIES = 50_000;

// Tokens are found by their shape (harness/baidu/tokens.ts) rather than registered one by one: under load that
// registry was a Map insert per request and grew without bound.

/**
 * An entry's `at`: epoch milliseconds with sub-millisecond precision. Durations and latencies are measured with
 * performance.now(); a whole-millisecond `at` beside them would put an action after what it caused when both fall in
 * one millisecond (the timeline orders entries by when they started).
 */
export function ledgerNow(): number {
  return performance.timeOrigin + performance.now();
}

export function fingerprint(kind: string, value: string): string {
  return `«${kind}:${createHash('sha256').update(value).digest('hex').slice(0, 8)}»`;
}

export class Ledger {
  private entries: LedgerEntry[] = [];
  private seq = 0;
  /** value → kind, for every secret issued or configured; fingerprints are computed only when redacting. */
  private secrets = new Map<string, string>();
  private fingerprints = new Map<string, string>();
  private secretRe: RegExp | null = null;
  private secretsInRe = 0;

  record<T extends NewEntry>(e: T): T & { seq: number } {
    const full = e as T & { seq: number };
    full.seq = ++this.seq;
    this.entries.push(full as LedgerEntry);
    // Bounded: a detection run records a few hundred entries, a load test millions; the oldest go a tenth at a time.
    // 50,000 keeps the heap under about 220 MB at full load — retained entries are what the garbage collector works on.
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, MAX_ENTRIES / 10);
    return full;
  }

  /** Registers a secret so it is fingerprinted wherever it appears in redacted output. */
  secret(kind: string, value: string): void {
    if (!this.secrets.has(value)) this.secrets.set(value, kind);
  }

  get size(): number {
    return this.seq;
  }

  raw(): readonly LedgerEntry[] {
    return this.entries;
  }

  /** How many times the ledger was emptied (POST /__emulator/reset): a dashboard showing older rows starts over. */
  resets = 0;

  reset(): void {
    this.entries = [];
    this.resets++;
  }

  /** Redacted copies of the entries after `since` (exclusive). */
  redacted(since = 0): LedgerEntry[] {
    // Entries are in seq order: find the first one after `since` without scanning from the start.
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.seq <= since) lo = mid + 1;
      else hi = mid;
    }
    return this.redact(this.entries.slice(lo));
  }

  redact<T>(value: T): T {
    if (value === undefined) return value;
    let text = JSON.stringify(value).replace(TOKEN_SHAPE, (m, type: TokenType) => this.fingerprintOf(m, TOKEN_KINDS[type]));
    if (this.secrets.size > 0) {
      if (!this.secretRe || this.secretsInRe !== this.secrets.size) {
        const alts = [...this.secrets.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
        this.secretRe = new RegExp(alts.join('|'), 'g');
        this.secretsInRe = this.secrets.size;
      }
      text = text.replace(this.secretRe, (m) => this.fingerprintOf(m, this.secrets.get(m) ?? 'secret'));
    }
    return JSON.parse(text) as T;
  }

  private fingerprintOf(value: string, kind: string): string {
    let fp = this.fingerprints.get(value);
    if (!fp) {
      // A cache, bounded like the entries: reading a ledger under load meets a new token in every entry.
      if (this.fingerprints.size >= MAX_ENTRIES) this.fingerprints.clear();
      fp = fingerprint(kind, value);
      this.fingerprints.set(value, fp);
    }
    return fp;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
