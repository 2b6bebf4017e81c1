// The checks' view of the emulator: its side door over HTTP (the emulator may live in another process). Everything
// it returns is already redacted by the emulator's ledger.
import type { LedgerEntry, CallEntry, PushEntry, PageEntry } from '../emulator/ledger.ts';

export type { LedgerEntry, CallEntry, PushEntry, PageEntry };

export class EmulatorHandle {
  constructor(readonly url: string) {}

  private async req<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`emulator ${method} ${path}: ${json.error ?? res.status}`);
    return json;
  }

  async ledger(since = 0): Promise<LedgerEntry[]> {
    return (await this.req<{ entries: LedgerEntry[] }>('GET', `/__emulator/ledger?since=${since}`)).entries;
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
  pushTicket(clientId: string): Promise<PushEntry> {
    return this.req('POST', '/__emulator/push/ticket', { clientId });
  }
  probeEcho(clientId: string, badSignature = false): Promise<PushEntry> {
    return this.req('POST', '/__emulator/probe/echostr', { clientId, badSignature });
  }
  /** Probes: fault injection through the side door. */
  probe(name: 'push/forged-ticket' | 'tp/revoke-tokens' | 'app/expire-token' | 'app/reauthorize' | 'app/unauthorize', body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.req('POST', `/__emulator/${name}`, body);
  }
  replay(seq: number): Promise<PushEntry> {
    return this.req('POST', '/__emulator/push/replay', { seq });
  }
  idle(): Promise<unknown> {
    return this.req('POST', '/__emulator/idle', {});
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

/** The error a recorded reply carries, in a sentence. */
export function errorOf(e: CallEntry): string {
  const r = (e.response ?? {}) as Record<string, unknown>;
  if ('error_code' in r) return `gateway error ${r.error_code} ${r.error_msg}`;
  if ('error' in r) return `OAuth error ${r.error}: ${r.error_description}`;
  if ('errno' in r && r.errno !== 0) return `errno ${r.errno} ${r.msg}`;
  return `HTTP ${e.status}`;
}
