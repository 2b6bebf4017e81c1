// Baidu's four response envelopes (reference §0.2) as named reply constructors and one typed error class.
// Handlers return a BaiduReply or throw a BaiduError; only the server serialises them (style rule 3).
import { ERRNO, GATEWAY, type OAuthErrorName } from './errors.ts';

export type BaiduReply =
  | { kind: 'W'; status: number; body: { errno: number; msg: string; data?: unknown } }
  | { kind: 'R'; status: number; body: Record<string, unknown> }
  | { kind: 'G'; status: number; body: { error_code: number; error_msg: string } }
  | { kind: 'B'; status: number; bytes: Buffer; contentType: string; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: unknown }
  | { kind: 'html'; status: number; html: string; headers?: Record<string, string> }
  | { kind: 'redirect'; status: number; location: string };

export const reply = {
  ok(data?: unknown): BaiduReply {
    return { kind: 'W', status: 200, body: data === undefined ? { errno: 0, msg: 'success' } : { errno: 0, msg: 'success', data } };
  },
  oauth(obj: Record<string, unknown>): BaiduReply {
    return { kind: 'R', status: 200, body: obj };
  },
  raw(body: unknown): BaiduReply {
    return { kind: 'raw', status: 200, body };
  },
  binary(bytes: Buffer, contentType: string, headers?: Record<string, string>): BaiduReply {
    return { kind: 'B', status: 200, bytes, contentType, headers };
  },
  html(html: string, status = 200): BaiduReply {
    return { kind: 'html', status, html };
  },
  redirect(location: string): BaiduReply {
    return { kind: 'redirect', status: 302, location };
  },
};

/** Every expected failure of the emulator; serialised once by the server into the right envelope. */
export class BaiduError extends Error {
  private constructor(
    readonly envelope: 'W' | 'R' | 'G',
    readonly code: number | OAuthErrorName,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BaiduError';
  }
  /** W: `{errno, msg}`. HTTP 200, as both SDKs expect a parsable body. */
  static errno(errno: number, detail?: string): BaiduError {
    const base = ERRNO[errno]?.msg ?? 'error';
    return new BaiduError('W', errno, detail ? `${base}: ${detail}` : base, 200);
  }
  /**
   * G: `{error_code, error_msg}`. Whether smartapp sends these with 200 or 4xx is UNKNOWN (reference §8.4); we send
   * 200 so that Baidu's Go SDK, which turns any non-2xx into a transport error, still shows the code to the TP.
   */
  static gateway(code: number, status = 200): BaiduError {
    return new BaiduError('G', code, GATEWAY[code] ?? 'error', status);
  }
  /**
   * R: `{error, error_description}`. Sent with HTTP 200, not RFC 6749 §5.2's 400: Baidu's Go SDK turns any non-2xx
   * into a bare `status[400 Bad Request]` and reads `error` only from a 2xx body (getOAuthToken.go), so its check of
   * `error` is dead code unless Baidu answers 200. A TP built on that SDK then sees `invalid_grant`, as against Baidu.
   */
  static oauth(name: OAuthErrorName, description: string): BaiduError {
    return new BaiduError('R', name, description, 200);
  }

  toReply(): BaiduReply {
    if (this.envelope === 'W') return { kind: 'W', status: this.status, body: { errno: this.code as number, msg: this.message } };
    if (this.envelope === 'G') return { kind: 'G', status: this.status, body: { error_code: this.code as number, error_msg: this.message } };
    return { kind: 'R', status: this.status, body: { error: this.code, error_description: this.message } };
  }
}
