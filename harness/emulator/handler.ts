// The narrow handler shape (style rule 3): business behaviour only. Parsing, token checks, permission checks,
// ledger recording and serialisation happen once, in server.ts.
import type { IncomingMessage } from 'node:http';
import type { EndpointDef } from '../baidu/catalogue.ts';
import type { BaiduReply } from '../baidu/envelopes.ts';
import type { Emulator } from './emulator.ts';
import type { AppRecord, Authorization, TpRegistration } from './store.ts';

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface HandlerCtx {
  emu: Emulator;
  def: EndpointDef;
  req: IncomingMessage;
  params: Record<string, string>;
  files: Record<string, UploadedFile>;
  /** The TP behind the access token (tp or app kind), or named by client_id. */
  tp?: TpRegistration;
  /** For app-token endpoints: the app and its authorization. */
  app?: AppRecord;
  authorization?: Authorization;
  /** Facts for the ledger entry, filled by handlers (e.g. ticketSeq). */
  facts: Record<string, unknown>;
}

export type Handler = (ctx: HandlerCtx) => BaiduReply | Promise<BaiduReply>;
export type Handlers = Partial<Record<string, Handler>>;
