// The reference TP's decisions, named so that a mutant (test/mutants/) can break exactly one of them.
// Each default is what Baidu's documentation asks of a TP.
export interface Behaviour {
  /** Body of the reply to a push (reference §2.1: exactly `success`). */
  ackBody(kind: 'ticket' | 'event', event: string): string;
  /** Which ticket to keep when a new one arrives (§2.5: always the newest). */
  keepTicket(current: string | undefined, incoming: string): string;
  /** Exchange the authorization code for the authorizer token (§1.5). */
  exchangeCode: boolean;
  /** Verify MsgSignature before trusting a push (§2.3). */
  verifyPushSignature: boolean;
  /** Verify the echoStr signature before echoing (§2.7). */
  verifyEchoSignature: boolean;
  /** Read app/info after the exchange to learn the granted permission sets (§1.7). */
  readAppInfo: boolean;
  /** Milliseconds to wait before answering a push (slow-TP probes). */
  pushDelayMs: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  ackBody: () => 'success',
  keepTicket: (_current, incoming) => incoming,
  exchangeCode: true,
  verifyPushSignature: true,
  verifyEchoSignature: true,
  readAppInfo: true,
  pushDelayMs: 0,
};
