// The reference TP's credentials: the newest ticket, the cached TP token and one authorizer token pair per app.
// Refreshes are single-flight because Baidu's refresh tokens are single use (reference §1.6; field notes pain 10):
// two concurrent refreshes with the same refresh token would make the second one fail.
import { BaiduApiError, BaiduClient } from '../../baidu/client.ts';

/** What /rest/2.0/oauth/token answers (§1.5, §1.6). */
type TokenPair = { access_token: string; refresh_token: string; expires_in: number };
/** The parts of app/info the reference TP uses (§1.7). */
export type AppInfo = { app_id: number; app_name?: string; auth_info?: { scope_name: string }[] };

export interface AuthorizerPair {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/**
 * What a restart must not lose: the newest ticket (the next comes up to 10 minutes later, §2.5; field notes pain 8),
 * the TP token and each app's token pair — its refresh token above all, which only a new authorization replaces (pain
 * 10). The reference TP writes it to a file (stateFile.ts); a real TP keeps it in its database or cache service.
 */
export interface KeeperState {
  ticket?: string;
  tpToken?: { value: string; expiresAt: number; ticket: string };
  pairs: [number, AuthorizerPair][];
}

export class TokenKeeper {
  private newestTicket?: string;
  private tpToken?: { value: string; expiresAt: number; ticket: string };
  private tpTokenFlight?: Promise<string>;
  private pairs = new Map<number, AuthorizerPair>();
  private refreshFlights = new Map<number, Promise<string>>();
  /** Code exchanges under way or done, by code: the token pair Baidu answered. */
  private codeFlights = new Map<string, Promise<TokenPair>>();
  /** Codes whose pair was stored (once per code). */
  private storedCodes = new Set<string>();
  /** Exchanges under way per app (from an AUTHORIZED/UPDATE_AUTHORIZED push): token users wait for them. */
  private pendingByApp = new Map<number, Promise<number>>();
  /** The latest app/info read per app (what the admin granted), until a new authorization or UNAUTHORIZED. */
  readonly appInfo = new Map<number, AppInfo>();

  /** Called with what a restart must not lose whenever it changes (the TP persists it). */
  onChange?: (state: KeeperState) => void;
  /** Counts restarts: work begun before one (a refresh, an exchange in flight) must not write into the state after it. */
  private epoch = 0;

  constructor(private client: BaiduClient, readonly clientId: string, private singleFlight = true, private renewRefusedTpToken = true) {}

  get ticket(): string | undefined {
    return this.newestTicket;
  }

  set ticket(t: string | undefined) {
    this.newestTicket = t;
    this.changed();
  }

  state(): KeeperState {
    return { ticket: this.newestTicket, tpToken: this.tpToken, pairs: [...this.pairs] };
  }

  private changed(): void {
    this.onChange?.(this.state());
  }

  /** A restart: everything held in memory is gone; what was persisted, if anything, comes back. */
  restart(from?: KeeperState): void {
    this.epoch++;
    this.tpTokenFlight = undefined;
    this.refreshFlights.clear();
    this.codeFlights.clear();
    this.storedCodes.clear();
    this.pendingByApp.clear();
    this.appInfo.clear();
    this.newestTicket = from?.ticket;
    this.tpToken = from?.tpToken;
    this.pairs = new Map(from?.pairs ?? []);
  }

  private async tpAccessToken(): Promise<string> {
    const now = Date.now();
    if (this.tpToken && this.tpToken.expiresAt - 60_000 > now) return this.tpToken.value;
    if (!this.ticket) throw new Error('no ticket has been pushed yet');
    this.tpTokenFlight ??= (async () => {
      const ticket = this.ticket!;
      const epoch = this.epoch;
      try {
        const d = await this.client.call<{ access_token: string; expires_in: number }>('authprocess.getTpToken', { client_id: this.clientId, ticket });
        if (epoch === this.epoch) {
          this.tpToken = { value: d.access_token, expiresAt: Date.now() + d.expires_in * 1000, ticket };
          this.changed();
        }
        return d.access_token;
      } finally {
        this.tpTokenFlight = undefined;
      }
    })();
    return this.tpTokenFlight;
  }

  /**
   * Calls a TP-token API; when Baidu says the TP token is invalid or expired (gateway 110/111 — it can be revoked
   * before its 30 days), gets a new one with the newest ticket and calls once more. Not a blind retry: Baidu
   * refused the request at its token check, so nothing was done.
   */
  async withTpToken<T>(call: (tpToken: string) => Promise<T>): Promise<T> {
    const used = await this.tpAccessToken();
    try {
      return await call(used);
    } catch (e) {
      if (!this.renewRefusedTpToken || !(e instanceof BaiduApiError && e.tokenRefused)) throw e;
      if (this.tpToken?.value === used) {
        this.tpToken = undefined;
        this.changed();
      }
      return call(await this.tpAccessToken());
    }
  }

  /**
   * Exchanges an authorization code once, however many times the callback and the push deliver it, and stores the
   * app's token pair once. The exchange names no app (§1.5): the push does; for a code only the callback brought,
   * app/info does (§1.7). Each caller learns the app its own way, so a failed app/info on the callback's side does not
   * lose the pair the push can still store.
   */
  exchange(code: string, appId?: number): Promise<number> {
    let tokens = this.codeFlights.get(code);
    if (!tokens) {
      tokens = this.withTpToken((tp) => this.client.call<TokenPair>('authprocess.getOAuthToken', { grant_type: 'app_to_tp_authorization_code', code }, tp));
      this.codeFlights.set(code, tokens);
    }
    const exchanged = tokens;
    const epoch = this.epoch;
    const stored = (async () => {
      const t = await exchanged;
      if (epoch !== this.epoch) throw new Error('the TP restarted during the exchange');
      let id = appId;
      let info: AppInfo | undefined;
      if (id === undefined) {
        info = await this.client.call<AppInfo>('authprocess.getAppInfo', {}, t.access_token);
        id = Number(info.app_id);
      }
      // The first caller to know the app stores the pair; a later one must not put back tokens a refresh replaced.
      if (!this.storedCodes.has(code)) {
        this.storedCodes.add(code);
        this.pairs.set(id, { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000 });
        this.changed();
        // What app/info said before this authorization no longer holds; the read just made (if any) does.
        if (info) this.appInfo.set(id, info);
        else this.appInfo.delete(id);
      }
      return id;
    })();
    if (appId !== undefined) {
      // Token users of the app wait for this, even when it joined an exchange the callback started.
      this.pendingByApp.set(appId, stored);
      void stored.catch(() => {}).finally(() => this.pendingByApp.get(appId) === stored && this.pendingByApp.delete(appId));
    }
    return stored;
  }

  /** The no-dedupe mutant: exchanges a code even if it was exchanged before. */
  exchangeAgain(code: string, appId: number): Promise<number> {
    this.codeFlights.delete(code);
    return this.exchange(code, appId);
  }

  forgetApp(appId: number): void {
    this.pairs.delete(appId);
    this.appInfo.delete(appId);
    this.changed();
  }

  async authorizerToken(appId: number): Promise<string> {
    await this.pendingByApp.get(appId)?.catch(() => {});
    const p = this.pairs.get(appId);
    if (!p) throw new Error(`app ${appId} has not authorized this TP`);
    if (p.expiresAt - 300_000 > Date.now()) return p.accessToken;
    return this.refresh(appId);
  }

  refresh(appId: number): Promise<string> {
    let flight = this.singleFlight ? this.refreshFlights.get(appId) : undefined;
    if (!flight) {
      flight = (async () => {
        const p = this.pairs.get(appId);
        if (!p) throw new Error(`app ${appId} has not authorized this TP`);
        const epoch = this.epoch;
        const t = await this.withTpToken((tp) => this.client.call<TokenPair>(
          'authprocess.getOAuthToken', { grant_type: 'app_to_tp_refresh_token', refresh_token: p.refreshToken }, tp));
        // Kept at once: the refresh token just spent is gone for good (single use). A refresh that straddled a restart
        // is lost with it, as the process that made it would be.
        if (epoch !== this.epoch) throw new Error('the TP restarted during the refresh');
        this.pairs.set(appId, { accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000 });
        this.changed();
        return t.access_token;
      })().finally(() => this.refreshFlights.get(appId) === flight && this.refreshFlights.delete(appId));
      this.refreshFlights.set(appId, flight);
    }
    return flight;
  }

  /** Calls an app-token API, refreshing once if Baidu says the token is invalid or expired. */
  async withAppToken<T>(appId: number, call: (token: string) => Promise<T>): Promise<T> {
    const used = await this.authorizerToken(appId);
    try {
      return await call(used);
    } catch (e) {
      if (e instanceof BaiduApiError && e.tokenRefused) {
        // Another caller may have refreshed while this call was failing: use its token rather than refreshing again.
        const current = this.pairs.get(appId)?.accessToken;
        return call(current && current !== used ? current : await this.refresh(appId));
      }
      throw e;
    }
  }

  /** Reads app/info with the app's token (§1.7) and keeps it as the app's latest. */
  async readAppInfo(appId: number): Promise<AppInfo> {
    const info = await this.withAppToken(appId, (t) => this.client.call<AppInfo>('authprocess.getAppInfo', {}, t));
    this.appInfo.set(appId, info);
    return info;
  }

  authorizedApps(): number[] {
    return [...this.pairs.keys()];
  }
}

