// The reference TP's decisions, named so that a mutant (test/mutants/) can break exactly one of them.
// Each default is what Baidu's documentation asks of a TP.
export interface Behaviour {
  /** Body of the reply to a push (reference §2.1: exactly `success`). */
  ackBody(kind: 'ticket' | 'event', event: string): string;
  /** Which ticket to keep when a new one arrives (§2.5: always the newest). */
  keepTicket(current: string | undefined, incoming: string): string;
  /** Exchange the authorization code for the authorizer token (§1.5). */
  exchangeCode: boolean;
  /** Also exchange the code the callback brings, not only a pushed one (a re-authorization may push nothing). */
  exchangeOnCallback: boolean;
  /** Verify MsgSignature before trusting a push (§2.3). */
  verifyPushSignature: boolean;
  /**
   * Refuse a push whose trailing identifier is not this identity, as Baidu's demo can (its decrypt takes a clientId to
   * compare). Baidu's choice is UNKNOWN (§2.4), so the reference TP never does.
   */
  requirePushIdentifier?: 'clientId';
  /** Baidu calls tried again after a transient error (reads only, and gateway "busy" errors: the client's policy). */
  retries?: number;
  /** Verify the echoStr signature before echoing (§2.7). */
  verifyEchoSignature: boolean;
  /**
   * Read app/info after the exchange to learn the granted permission sets (§1.7). A code the callback brings is
   * exchanged and then app/info read to learn its app whatever this says: a TP that never reads app/info must also
   * leave the callback's code alone (exchangeOnCallback: false), as the no-app-info mutant does.
   */
  readAppInfo: boolean;
  /** Milliseconds to wait before answering a push (slow-TP probes). */
  pushDelayMs: number;
  /** The body answering a correctly signed echoStr handshake (§2.7: echoStr verbatim). */
  echoBody(echoStr: string): string;
  /** Read package/auditquota before submitting (a TP that does not burns quota blindly; field notes pain 18). */
  readAuditQuota: boolean;
  /** Poll package/get until the asynchronous upload finished instead of guessing (§3.5). */
  followPackageState: boolean;
  /** Release right after submitting, before the audit passed (a bug Baidu refuses with 69012). */
  releaseBeforeAudit: boolean;
  /** Share one refresh among concurrent callers (§1.6: a refresh token is single use). */
  singleFlightRefresh: boolean;
  /** Get a new TP token (with the newest ticket) when Baidu refuses the cached one (gateway 110/111), and call again. */
  renewRefusedTpToken: boolean;
  /** On UPDATE_AUTHORIZED, exchange the new code and drop the old token (field notes pain 5). */
  handleReauthorization: boolean;
  /** Answer a replayed push without acting on it again (dedupe by content). */
  dedupePushes: boolean;
  /** A broken 授权事件接收URL for ticket pushes (the ticket is still kept): never answers, drops the connection,
   * answers binary garbage, or answers with a 10 MB body. */
  ticketFault?: 'hang' | 'close' | 'garbage' | 'huge';
  /** A TP that hard-codes one test app: its hook acts on this app id whatever it is asked (WeChat's lesson). */
  hookAppId?: number;
  /** Milliseconds the hook waits before acting (a TP whose hook hangs). */
  hookDelayMs: number;
  /** Hook actions this TP does not implement: its hook answers 501 for them (the harness then WAITs). */
  unsupportedActions: string[];
  /**
   * Uploads code with the developer tool (定制开发) instead of package/upload: the URL of the tool's stand-in, the
   * emulator (`/__emulator/ide/upload`). Baidu's detection counts either (reference §7.1.3).
   */
  uploadWithIde?: string;
  /** Uploads with ext_json.directCommit: true, which submits for audit without package/submitaudit (§3.5). */
  uploadDirectCommit?: boolean;
  /** Catalogue ids of calls the TP silently leaves out while claiming the action was done. */
  skipCalls: string[];
  /** Params the TP gets wrong, by catalogue id: merged over what it would send (a 15-digit ID card, an icon on its own CDN). */
  callParams?: Record<string, Record<string, string | number>>;
  /**
   * How the 授权发起页 leads to Baidu's authorization page — all are correct and seen in real TPs: a link the admin
   * clicks, an HTTP 302, a script that sets location once the page has loaded, a link a script renders late, or a link
   * that opens the authorization page in a new tab (target=_blank).
   */
  startPage: 'link' | 'redirect' | 'script' | 'late-link' | 'new-tab';
  /** A path of its own the 授权发起页 opens in another tab as it loads (a help page), beside the way to Baidu. */
  startPagePopup?: string;
  /** The host of its own that serves the page leading to Baidu, when not the one of its 授权发起页 (which redirects). */
  startPageHost?: string;
  /** A Referrer-Policy header on the 授权发起页 (`no-referrer` strips the Referer Baidu's page checks). */
  referrerPolicy?: string;
  /** The host of the redirect_uri, when not the TP's own (one outside the 授权发起页域名 is refused by Baidu). */
  callbackHost?: string;
  /** The status the callback answers with after it acted on the code (a result page that crashes: 500). */
  callbackStatus?: number;
  /** How many visits the 授权发起页 answers; later ones get HTTP 410 (a TP that treats it as a one-time link). */
  startPageUses?: number;
  /** Answers `success` to an authorization-event push it refuses (bad signature): quiet, as many TPs are. */
  ackRefusedPushes?: boolean;
  /** The callback accepts one authorization, then answers 409 "already authorized" (a re-authorization refused). */
  callbackOnlyOnce?: boolean;
  /**
   * Keep the ticket, the TP token and the token pairs outside the process (stateFile.ts), so that a restart (the hook's
   * `restart` action) loses nothing (field notes pains 8, 10).
   */
  persistState: boolean;
  /** Persist the ticket and the TP token too, not only the token pairs (without them a restart waits for a ticket). */
  persistTicket: boolean;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  ackBody: () => 'success',
  keepTicket: (_current, incoming) => incoming,
  exchangeCode: true,
  exchangeOnCallback: true,
  verifyPushSignature: true,
  verifyEchoSignature: true,
  readAppInfo: true,
  pushDelayMs: 0,
  echoBody: (echoStr) => echoStr,
  readAuditQuota: true,
  followPackageState: true,
  releaseBeforeAudit: false,
  skipCalls: [],
  unsupportedActions: [],
  hookDelayMs: 0,
  singleFlightRefresh: true,
  renewRefusedTpToken: true,
  handleReauthorization: true,
  dedupePushes: true,
  startPage: 'link',
  persistState: true,
  persistTicket: true,
};
