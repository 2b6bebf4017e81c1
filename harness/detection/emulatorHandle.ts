// The checks' view of the emulator: its side door over HTTP (the emulator may live in another process). Everything
// it returns is already redacted by the emulator's ledger.
import { reasonError } from './checks.ts';
import type { LedgerEntry, CallEntry, PushEntry, PageEntry, ToolEntry } from '../emulator/ledger.ts';
import { AUTH_PAGE } from './runEnv.ts';
import { tokenRefused } from '../baidu/errors.ts';

export type { LedgerEntry, CallEntry, PushEntry, PageEntry, ToolEntry };

/**
 * The ledger as far as this process has read it. Entries never change once recorded, so each read fetches only what
 * is new (`?since=`): a check costs one small request, not a copy of the whole run. A handle lives for one detection
 * run, during which nothing resets the emulator.
 */
class LedgerCache {
  entries: LedgerEntry[] = [];
  /** Reads one after another, so two concurrent checks never append the same entries twice. */
  private queue: Promise<unknown> = Promise.resolve();

  get last(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  refresh(fetchSince: (since: number) => Promise<LedgerEntry[]>): Promise<unknown> {
    this.queue = this.queue.catch(() => {}).then(async () => {
      this.entries.push(...(await fetchSince(this.last)));
    });
    return this.queue;
  }
}

/** What the side door's app/reauthorize answers. */
export interface Reauthorized { event: string | null; granted: string[]; generation: number }
/** An authorization confirmed on the phone, as the emulator's ledger records it. */
export interface Confirmation extends Reauthorized { seq: number }

export class EmulatorHandle {
  /**
   * @param until reads see only entries up to this seq (a view of the run before some point, e.g. the probes).
   */
  constructor(readonly url: string, private readonly until = Infinity, private readonly cache = new LedgerCache()) {}

  /** The same emulator, reading only what was recorded up to `seq` (everything when undefined). */
  upTo(seq: number | undefined): EmulatorHandle {
    return new EmulatorHandle(this.url, seq ?? Infinity, this.cache);
  }

  private async req<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      // Bounded: the longest side-door answer waits for the TP under test to start (15 s) or for pushes under way.
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await res.json()) as T & { error?: string };
    // 503 is the side door saying the TP under test never started: that is the cause, whichever call met it.
    if (res.status === 503 && json.error) throw reasonError(json.error);
    if (!res.ok) throw new Error(`emulator ${method} ${path}: ${json.error ?? res.status}`);
    return json;
  }

  /** The seq of the newest ledger entry in view (0 for none): a mark to judge what happens after it. */
  async lastSeq(): Promise<number> {
    return (await this.ledger()).at(-1)?.seq ?? 0;
  }

  async ledger(since = 0): Promise<LedgerEntry[]> {
    const c = this.cache;
    if (c.last < this.until) await c.refresh(async (after) => (await this.req<{ entries: LedgerEntry[] }>('GET', `/__emulator/ledger?since=${after}`)).entries);
    return c.entries.filter((e) => e.seq > since && e.seq <= this.until);
  }
  async calls(endpointId: string): Promise<CallEntry[]> {
    return (await this.ledger()).filter((e): e is CallEntry => e.dir === 'in' && e.endpointId === endpointId);
  }
  async pushes(filter: (p: PushEntry) => boolean = () => true): Promise<PushEntry[]> {
    return (await this.ledger()).filter((e): e is PushEntry => e.dir === 'push' && filter(e));
  }
  async pages(path: string): Promise<PageEntry[]> {
    return (await this.ledger()).filter((e): e is PageEntry => e.dir === 'page' && e.path === path);
  }
  /** The developer tool's uploads (定制开发) by a TP for an app, refused ones included (status 400, with Baidu's errno). */
  async ideUploads(clientId: string, appId: number): Promise<ToolEntry[]> {
    return (await this.ledger()).filter((e): e is ToolEntry => e.dir === 'tool' && e.tool === 'ide' && e.clientId === clientId && e.appId === appId);
  }
  /**
   * The phone's confirmations that authorized an app, oldest first (each issued a code): the sets `granted`, the
   * code's `generation` and the `event` pushed for it (null when none was), at ledger `seq`.
   */
  async confirmations(appId: number): Promise<Confirmation[]> {
    return (await this.pages(`${AUTH_PAGE}/confirm`))
      .filter((p) => p.facts.appId === appId && typeof p.facts.generation === 'number')
      .map((p) => ({ seq: p.seq, granted: p.facts.granted as string[], generation: p.facts.generation as number, event: (p.facts.event as string | null | undefined) ?? null }));
  }
  /** A new ticket pushed to the TP; `identifier` seals it with that identity after the message (a probe, §2.4). */
  pushTicket(clientId: string, identifier?: 'clientId' | 'tpAppId'): Promise<PushEntry> {
    return this.req('POST', '/__emulator/push/ticket', { clientId, identifier });
  }
  probeEcho(clientId: string, badSignature = false): Promise<PushEntry> {
    return this.req('POST', '/__emulator/probe/echostr', { clientId, badSignature });
  }
  /** Probes: fault injection through the side door. */
  probe(name: 'push/forged-ticket' | 'tp/revoke-tokens' | 'app/expire-token' | 'app/transient-error' | 'app/unauthorize', body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.req('POST', `/__emulator/${name}`, body);
  }
  /** The app authorizes again with one permission set changed (UPDATE_AUTHORIZED); `generation` names the new code. */
  reauthorize(clientId: string, appId: number): Promise<Reauthorized> {
    return this.req('POST', '/__emulator/app/reauthorize', { clientId, appId });
  }
  /** Holds the app's audit decisions (a reviewer who has not got to them) or releases them. */
  holdAudits(appId: number, hold: boolean): Promise<{ decisions: number }> {
    return this.req('POST', '/__emulator/app/audit-hold', { appId, hold });
  }
  replay(seq: number): Promise<PushEntry> {
    return this.req('POST', '/__emulator/push/replay', { seq });
  }
  idle(): Promise<unknown> {
    return this.req('POST', '/__emulator/idle', {});
  }
  /** The developer tool's upload (定制开发) for an app; rejects with the emulator's refusal (Baidu's errno and why). */
  ideUpload(clientId: string, appId: number, opts: { version?: string; desc?: string } = {}): Promise<{ seq: number; appId: number; packageId: number }> {
    return this.req('POST', '/__emulator/ide/upload', { clientId, appId, ...opts });
  }
  state(): Promise<Record<string, unknown>> {
    return this.req('GET', '/__emulator/state');
  }
  health(): Promise<Record<string, unknown>> {
    return this.req('GET', '/health');
  }
}

/** A successful W or R reply as recorded in the ledger. */
export function succeeded(e: CallEntry): boolean {
  const r = e.response as Record<string, unknown> | null;
  if (e.status !== 200 || !r || typeof r !== 'object') return e.status === 200;
  if ('error_code' in r || 'error' in r) return false;
  return !('errno' in r) || r.errno === 0;
}

/** The grant_type of a recorded oauth/token call, also when the gateway refused it before the handler saw it. */
export function grantType(c: CallEntry): string | undefined {
  return (c.facts.grantType as string | undefined) ?? c.query.grant_type ?? c.form.grant_type;
}

/** A recorded call the gateway refused for its access token (110 invalid, 111 expired). */
export function refusedForToken(e: CallEntry): boolean {
  const r = e.response as Record<string, unknown> | null;
  return !!r && typeof r === 'object' && tokenRefused(r.error_code);
}

/** The error a recorded reply carries, in a sentence. */
export function errorOf(e: CallEntry): string {
  const r = (e.response ?? {}) as Record<string, unknown>;
  if ('error_code' in r) return `gateway error ${r.error_code} ${r.error_msg}`;
  if ('error' in r) return `OAuth error ${r.error}: ${r.error_description}`;
  if ('errno' in r && r.errno !== 0) return `errno ${r.errno} ${r.msg}`;
  return `HTTP ${e.status}`;
}
