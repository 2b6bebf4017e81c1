// All emulator state in one declared store (style rule 5): nothing else in the emulator holds mutable state.
// `reset()` returns it to the registered TPs and apps with no tokens, codes or history.

export interface TpRegistration {
  clientId: string;
  tpAppId: number;
  name: string;
  messageToken: string;
  encodingAesKey: string;
  /** 授权事件接收URL: tickets and authorization events. */
  authEventUrl: string;
  /** 消息与事件接收URL: app events, echoStr handshake. */
  messageEventUrl: string;
  /** 授权发起页域名 (host[:port]): Referer and redirect_uri must be under it. */
  authStartDomain: string;
  /** 授权测试名单. */
  testAppIds: number[];
  /** Permission sets the TP selected (slugs). */
  permissionSets: string[];
  /** Trailing identifier inside encrypted pushes; Baidu's demo calls it clientId (reference §2.4, UNKNOWN). */
  pushIdentifier?: string;
}

export interface AppRecord {
  appId: number;
  appKey: string;
  appName: string;
  onTestList: boolean;
}

export interface Ticket { value: string; seq: number; issuedAt: number }
export interface TpToken { clientId: string; expiresAt: number; ticketSeq: number }
export interface PreAuthCode { clientId: string; expiresAt: number; used: boolean }
export interface AuthCode { clientId: string; appId: number; expiresAt: number; used: boolean; issuedAt: number }
export interface AuthorizerToken { clientId: string; appId: number; expiresAt: number; generation: number }
export interface RefreshToken { clientId: string; appId: number; used: boolean; generation: number }
export interface Authorization { clientId: string; appId: number; granted: string[]; generation: number; active: boolean }

export interface ScanSession {
  id: string;
  clientId: string;
  redirectUri: string;
  state: 'pending' | 'scanned' | 'confirmed' | 'rejected';
  createdAt: number;
  appId?: number;
  location?: string;
  errno?: number;
}

export class Store {
  tps = new Map<string, TpRegistration>();
  apps = new Map<number, AppRecord>();
  tickets = new Map<string, Ticket[]>();
  tpTokens = new Map<string, TpToken>();
  preAuthCodes = new Map<string, PreAuthCode>();
  authCodes = new Map<string, AuthCode>();
  authorizerTokens = new Map<string, AuthorizerToken>();
  refreshTokens = new Map<string, RefreshToken>();
  authorizations = new Map<string, Authorization>();
  scans = new Map<string, ScanSession>();

  /** Forgets everything a run produced; keeps the registered TPs and their apps. */
  reset(): void {
    for (const m of [this.tickets, this.tpTokens, this.preAuthCodes, this.authCodes, this.authorizerTokens, this.refreshTokens, this.authorizations, this.scans]) {
      m.clear();
    }
  }

  authorization(clientId: string, appId: number): Authorization | undefined {
    return this.authorizations.get(`${clientId}:${appId}`);
  }

  setAuthorization(a: Authorization): void {
    this.authorizations.set(`${a.clientId}:${a.appId}`, a);
  }

  newestTicket(clientId: string): Ticket | undefined {
    const list = this.tickets.get(clientId);
    return list?.[list.length - 1];
  }

  /** A read-only view for GET /__emulator/state (values are redacted by the caller). */
  snapshot(): Record<string, unknown> {
    const o = (m: Map<unknown, unknown>) => Object.fromEntries([...m.entries()].map(([k, v]) => [String(k), v]));
    return {
      tps: [...this.tps.values()].map(({ messageToken: _t, encodingAesKey: _k, ...rest }) => rest),
      apps: [...this.apps.values()],
      tickets: o(this.tickets),
      tpTokens: o(this.tpTokens),
      authorizations: [...this.authorizations.values()],
      authorizerTokens: o(this.authorizerTokens),
      refreshTokens: o(this.refreshTokens),
      scans: [...this.scans.values()],
    };
  }
}
