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
  /** Basic-info audit state that package/submitaudit requires (§3.6: 69001–69003); approved unless a test says not. */
  nameApproved: boolean;
  categoryApproved: boolean;
}

/** `deliveredAt`: when its push reached the TP — before that (or when it never did), the TP cannot know it. */
export interface Ticket { value: string; seq: number; issuedAt: number; deliveredAt?: number }
/** `revoked`: a probe revoked it (side door tp/revoke-tokens): refused like an unknown token, recorded as injected. */
export interface TpToken { clientId: string; expiresAt: number; ticketSeq: number; revoked?: true }
export interface PreAuthCode { clientId: string; expiresAt: number; used: boolean }
/** `generation`: the app's authorization the code was issued under; a later re-authorization voids it. */
export interface AuthCode { clientId: string; appId: number; expiresAt: number; used: boolean; issuedAt: number; generation: number }
/** `expiredByProbe`: a probe expired it early (side door app/expire-token). */
export interface AuthorizerToken { clientId: string; appId: number; expiresAt: number; generation: number; expiredByProbe?: true }
export interface RefreshToken { clientId: string; appId: number; used: boolean; generation: number }
export interface Authorization {
  clientId: string; appId: number; granted: string[]; generation: number; active: boolean;
}

/** A code package of an app (reference §3.11): status 1 online, 3 development, 4 in review, 5 audit failed, 6 passed, 8 rolling back. */
export interface PackageRecord {
  packageId: number;
  appId: number;
  templateId: number;
  version: string;
  versionDesc: string;
  status: 1 | 3 | 4 | 5 | 6 | 8;
  /** 1 uploading, 2 done (INFERRED: Baidu documents only 1 and 3), 3 failed. */
  uploadStatus: 1 | 2 | 3;
  uploadErrCode: number;
  uploadErrMsg: string;
  commitTime: number;
  auditMsg: string;
  /** The online version this one replaced, for rollback. */
  previousOnline?: number;
  /** 'ide': submitted with the developer tool (定制开发), not built from a template by package/upload. */
  source?: 'ide';
}

export interface TemplateRecord { templateId: number; draftId: number; userVersion: string; userDesc: string; createTime: number }
export interface DraftRecord { draftId: number; userVersion: string; userDesc: string; createTime: number }

export interface PaymentState {
  accountCreated: boolean;
  developConfigSubmitted: boolean;
  paymentServiceCreated: boolean;
}

export interface DomainSet { request: string[]; socket: string[]; download: string[]; upload: string[] }

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
  /** Ticket values pushed with a forged signature (probes): a TP that uses one adopted an unverified push. */
  forgedTickets = new Set<string>();
  tpTokens = new Map<string, TpToken>();
  preAuthCodes = new Map<string, PreAuthCode>();
  authCodes = new Map<string, AuthCode>();
  authorizerTokens = new Map<string, AuthorizerToken>();
  refreshTokens = new Map<string, RefreshToken>();
  authorizations = new Map<string, Authorization>();
  scans = new Map<string, ScanSession>();
  /** Per TP: its template library and drafts (seeded at registration). */
  templates = new Map<string, TemplateRecord[]>();
  drafts = new Map<string, DraftRecord[]>();
  packages = new Map<number, PackageRecord[]>();
  /** Per app: the online package a release replaced (what rollback returns to). */
  previousOnline = new Map<number, PackageRecord>();
  /** Per app: remaining audit submissions this week. */
  auditQuota = new Map<number, number>();
  /** Per app: audit decisions the reviewer holds back (side door `app/audit-hold`), run in order once released. */
  heldAudits = new Map<number, (() => unknown)[]>();
  payments = new Map<number, PaymentState>();
  /** Per app: refresh answers held back for a while (the refresh-race probe). */
  slowRefresh = new Map<number, { delayMs: number; untilMs: number }>();
  /** Per TP and app (`clientId:appId`): how many of the next calls with the app's authorizer token get a transient
   * gateway error (a probe). */
  transientErrors = new Map<string, number>();
  /** URLs handed out by upload/image (other image URLs are 47008 "图片来源非法"). */
  images = new Set<string>();
  tpDomains = new Map<string, DomainSet>();
  tpWebviewDomains = new Map<string, string[]>();
  appDomains = new Map<number, DomainSet>();
  appWebviewDomains = new Map<number, string[]>();

  /** Forgets everything a run produced; keeps the registered TPs and their apps. */
  reset(): void {
    for (const m of [this.tickets, this.tpTokens, this.preAuthCodes, this.authCodes, this.authorizerTokens, this.refreshTokens, this.authorizations, this.scans,
      this.packages, this.previousOnline, this.slowRefresh, this.transientErrors, this.auditQuota, this.heldAudits, this.payments, this.tpDomains, this.tpWebviewDomains, this.appDomains, this.appWebviewDomains] as Map<unknown, unknown>[]) {
      m.clear();
    }
    this.images.clear();
    this.forgedTickets.clear();
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

  /**
   * A read-only view for GET /__emulator/state (values are redacted by the caller); `now` (the emulator's clock)
   * hides the faults whose time ran out.
   */
  snapshot(now: number): Record<string, unknown> {
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
      templates: o(this.templates),
      packages: o(this.packages),
      auditQuota: o(this.auditQuota),
      auditsHeld: [...this.heldAudits.keys()],
      // Faults armed by the probes' side doors, so a person who armed one by hand can see it is still waiting.
      transientErrors: o(this.transientErrors),
      slowRefresh: Object.fromEntries([...this.slowRefresh].filter(([, v]) => v.untilMs > now).map(([k, v]) => [String(k), v])),
      payments: o(this.payments),
      tpDomains: o(this.tpDomains),
      appDomains: o(this.appDomains),
    };
  }
}
