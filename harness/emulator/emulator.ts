// The Baidu side as one object: store, ledger, clock, seeded ids and the push sender. The HTTP server
// (server.ts) and the providers only call into this; tests can drive it in-process too.
import { BEIJING_OFFSET_MS } from '../baidu/dates.ts';
import { SeededIds } from '../seed.ts';
import { Ledger, type PushEntry } from './ledger.ts';
import { deliverEcho, deliverPush, echoHandshake, type EchoValues, type PushOptions } from './pusher.ts';
import { Store, type AppRecord, type Ticket, type TpRegistration } from './store.ts';
import { seedTemplates } from './providers/development.ts';

export interface EmulatorOptions {
  seed: string;
  /** Seconds between scheduled ticket pushes (Baidu: every 10 minutes). */
  ticketIntervalS: number;
  /** How long the emulator waits for a TP's reply to a push before recording a timeout. */
  pushTimeoutMs: number;
  /**
   * How long a ticket stays valid. Baidu does not document it (UNKNOWN); we accept a ticket for two push periods so a
   * TP that has not yet stored the newest one still works, and flag the stale use in the ledger for the checks.
   */
  ticketTtlS?: number;
  /** Package upload completes this long after the call (Baidu: about 3 s). */
  uploadDelayMs?: number;
  /** The audit result is pushed this long after submitaudit. */
  auditDelayMs?: number;
  /** Audit submissions allowed per week and app (package/auditquota). */
  weeklyAuditQuota?: number;
  /** Payment onboarding results are pushed this long after each call. */
  paymentDelayMs?: number;
}

/**
 * Lifetimes in seconds, as the reference gives them (§1.1–1.8): TP token 30 days, authorizer token 1 h, refresh token
 * 10 years, pre_auth_code 20 min. The authorization code's is documented only by samples: 3600 in the redirect
 * (§1.4, also used for the AUTHORIZED push, whose sample says 60 — we keep one lifetime per code so a TP's budget does
 * not depend on which way it learnt the code) and 18000 for a code from 找回授权码 (§1.8).
 */
export const LIFETIME = {
  tpToken: 2_592_000,
  authorizerToken: 3600,
  refreshToken: 315_360_000,
  preAuthCode: 1200,
  authorizationCode: 3600,
  retrievedAuthorizationCode: 18_000,
} as const;

export class Emulator {
  readonly store = new Store();
  readonly ledger = new Ledger();
  /**
   * Set while the TP under test is still starting (a run's global setup does not wait for it, so its boot overlaps
   * the first Playwright worker's): side-door calls wait for it, so nothing reaches the TP before it listens, and a
   * failed start answers them 503 with the cause.
   */
  startup?: Promise<unknown>;
  readonly ids: SeededIds;
  private offsetMs = 0;
  private timers: NodeJS.Timeout[] = [];
  private inflight = new Set<Promise<unknown>>();

  constructor(readonly options: EmulatorOptions) {
    this.ids = new SeededIds(options.seed);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }
  nowS(): number {
    return Math.floor(this.now() / 1000);
  }
  /** Moves the emulator's clock forward (expiry tests); never backward. */
  advance(seconds: number): void {
    this.offsetMs += Math.max(0, seconds) * 1000;
  }

  get ticketTtlS(): number {
    return this.options.ticketTtlS ?? this.options.ticketIntervalS * 2;
  }

  registerTp(tp: TpRegistration, opts: { scheduleTickets?: boolean } = {}): void {
    this.store.tps.set(tp.clientId, tp);
    this.ledger.secret('messageToken', tp.messageToken);
    this.ledger.secret('encodingAesKey', tp.encodingAesKey);
    for (const appId of tp.testAppIds) this.ensureApp(appId, true);
    seedTemplates(this, tp.clientId);
    // One app the admin also manages but that is not on the 授权测试名单, for the 50007 path.
    this.ensureApp(this.outsiderAppId(tp), false);
    if (opts.scheduleTickets !== false) {
      const t = setInterval(() => void this.track(this.pushTicket(tp.clientId)), this.options.ticketIntervalS * 1000);
      t.unref();
      this.timers.push(t);
    }
  }

  outsiderAppId(tp: TpRegistration): number {
    return 900_000_000 + (tp.tpAppId % 1_000_000);
  }

  ensureApp(appId: number, onTestList: boolean): AppRecord {
    let app = this.store.apps.get(appId);
    if (!app) {
      app = { appId, appKey: this.ids.alnum(`appKey:${appId}`, 32), appName: `预检测试小程序${appId % 10000}`, onTestList, nameApproved: true, categoryApproved: true };
      this.store.apps.set(appId, app);
    }
    return app;
  }

  tp(clientId: string): TpRegistration | undefined {
    return this.store.tps.get(clientId);
  }

  /** Issues a new ticket and pushes it to the TP's 授权事件接收URL (§2.5). */
  async pushTicket(clientId: string, extra: Partial<PushOptions> = {}): Promise<PushEntry> {
    const tp = this.requireTp(clientId);
    const list = this.store.tickets.get(clientId) ?? [];
    const ticket: Ticket = { value: this.ids.hex('ticket', 32), seq: list.length + 1, issuedAt: this.now() };
    list.push(ticket);
    this.store.tickets.set(clientId, list);
    this.ledger.secret('ticket', ticket.value);
    const message = { Ticket: ticket.value, FromUserName: 'SmartAPP', CreateTime: Math.floor(ticket.issuedAt / 1000), MsgType: 'ticket', Event: 'push' };
    const pushed = await this.push(tp, 'auth', message, { ...extra, facts: { ticketSeq: ticket.seq, ...extra.facts } });
    // Known to the TP once its push reached it (answered, or read and left hanging); a TP that was down never had it.
    if (pushed.status !== null || pushed.outcome === 'timeout') ticket.deliveredAt = this.now();
    return pushed;
  }

  /** A ticket push whose MsgSignature is wrong (probe): its ticket is never valid for tp/token. */
  async pushForgedTicket(clientId: string): Promise<PushEntry> {
    const tp = this.requireTp(clientId);
    const value = this.ids.hex('forgedTicket', 32);
    this.store.forgedTickets.add(value);
    this.ledger.secret('ticket', value);
    const message = { Ticket: value, FromUserName: 'SmartAPP', CreateTime: this.nowS(), MsgType: 'ticket', Event: 'push' };
    return this.push(tp, 'auth', message, {
      facts: { probe: 'forged-signature' },
      tamper: (env) => ({ ...env, MsgSignature: [...env.MsgSignature!].reverse().join('') }),
    });
  }

  /** Pushes an event object (already in Baidu's field names) to one of the TP's URLs. */
  async push(tp: TpRegistration, target: 'auth' | 'message', message: Record<string, unknown>, opts: Partial<PushOptions> = {}): Promise<PushEntry> {
    return this.track(deliverPush(this.ledger, tp, target, message, { timeoutMs: this.options.pushTimeoutMs, ...opts }));
  }

  /** Sends Baidu's echoStr handshake to the TP's 消息与事件接收URL (a live probe, like the real detection). */
  probeEcho(clientId: string, badSignature = false): Promise<PushEntry> {
    const tp = this.requireTp(clientId);
    const values = echoHandshake(tp.messageToken, { timestamp: String(this.nowS()), nonce: this.ids.digits('echoNonce', 8), echoStr: this.ids.alnum('echoStr', 16) }, badSignature);
    return this.track(deliverEcho(this.ledger, tp, { timeoutMs: this.options.pushTimeoutMs, values, facts: { badSignature } }));
  }

  /**
   * Sends a recorded push again as it was (a reviewer's `preflight push replay`): the same sealed envelope, or the
   * echoStr handshake with the same four values. The new entry names the one it replays.
   */
  replay(entry: PushEntry): Promise<PushEntry> {
    const tp = this.requireTp(entry.clientId);
    if (entry.event === 'echoStr') {
      return this.track(deliverEcho(this.ledger, tp, {
        timeoutMs: this.options.pushTimeoutMs, values: entry.message as EchoValues, facts: { ...entry.facts, replayOf: entry.seq },
      }));
    }
    return this.push(tp, entry.target, entry.message as Record<string, unknown>, { envelope: entry.envelope, facts: { replayOf: entry.seq } });
  }

  eventTime(): string {
    // Beijing time, "YYYY-MM-DD HH:MM:SS" (reference §0.3).
    return new Date(this.now() + BEIJING_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);
  }

  requireTp(clientId: string): TpRegistration {
    const tp = this.tp(clientId);
    if (!tp) throw new Error(`no TP registered with client_id ${clientId}`);
    return tp;
  }

  /** Keeps track of background work so `idle()` and `close()` can wait for it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => {});
    return p;
  }

  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Clears run state (tokens, codes, ledger) and the clock offset; registered TPs and apps stay. */
  reset(): void {
    this.store.reset();
    this.ledger.reset();
    this.offsetMs = 0;
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
