// Unit tests of the catalogue-driven client against a tiny scripted HTTP server (one per worker, routes set per test).
import { test as base, expect } from '@playwright/test';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import _addFormats from 'ajv-formats';
import { BaiduApiError, BaiduClient, type ClientOptions, type Exchange } from '../harness/baidu/client.ts';
import { CATALOGUE } from '../harness/baidu/catalogue.ts';

const addFormats = _addFormats.default;

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type Handler = (req: Received, res: ServerResponse) => void;

class TestServer {
  private routes = new Map<string, Handler>();
  private log: Received[] = [];
  constructor(readonly server: http.Server, readonly url: string) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const r: Received = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
        this.log.push(r);
        const h = this.routes.get(u.pathname);
        if (h) h(r, res);
        else res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
      });
    });
  }
  setRoute(path: string, h: Handler): void {
    this.routes.set(path, h);
  }
  requests(path: string): Received[] {
    return this.log.filter((r) => r.path === path);
  }
  reset(): void {
    this.routes.clear();
    this.log = [];
  }
}

const json = (res: ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));

const test = base.extend<{ newClient: (o?: Partial<ClientOptions>) => BaiduClient }, { server: TestServer }>({
  server: [
    async ({}, use) => {
      const srv = http.createServer();
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      const ts = new TestServer(srv, `http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
      await use(ts);
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    },
    { scope: 'worker' },
  ],
  newClient: async ({ server }, use) => {
    server.reset();
    const made: BaiduClient[] = [];
    await use((o = {}) => {
      const c = new BaiduClient({ openapiBaseUrl: server.url, ...o });
      made.push(c);
      return c;
    });
    await Promise.all(made.map((c) => c.close()));
  },
});

const TP_TOKEN = '/public/2.0/smartapp/auth/tp/token';
const OAUTH = '/rest/2.0/oauth/token';
const QR = '/rest/2.0/smartapp/app/qrcode';
const UPLOAD = '/rest/2.0/smartapp/package/upload';
const IMAGE = '/file/2.0/smartapp/upload/image';
const PKG_GET = '/rest/2.0/smartapp/package/get';

async function rejection(p: Promise<unknown>): Promise<BaiduApiError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(BaiduApiError);
  return e as BaiduApiError;
}

test.describe('envelopes', () => {
  test('W success returns data and sends params in the query', async ({ server, newClient }) => {
    const data = { access_token: '42.abc', expires_in: 2592000, scope: 'smartapp_snsapi_base' };
    server.setRoute(TP_TOKEN, (_r, res) => json(res, { errno: 0, msg: 'success', data }));
    const got = await newClient().call('authprocess.getTpToken', { client_id: 'KEY', ticket: 'T1', unused: undefined });
    expect(got).toEqual(data);
    const [r] = server.requests(TP_TOKEN);
    expect(r.method).toBe('GET');
    expect(Object.fromEntries(r.query)).toEqual({ client_id: 'KEY', ticket: 'T1' });
  });

  test('W errno becomes a W error with code and msg', async ({ server, newClient }) => {
    server.setRoute(TP_TOKEN, (_r, res) => json(res, { errno: 50003, msg: 'ticket无效' }));
    const e = await rejection(newClient().call('authprocess.getTpToken', { client_id: 'K', ticket: 'bad' }));
    expect(e).toMatchObject({ envelope: 'W', code: 50003, message: 'ticket无效', endpointId: 'authprocess.getTpToken', status: 200 });
    expect(e.describe()).toContain('the ticket is unknown');
  });

  test('errMsg is tolerated in place of msg', async ({ server, newClient }) => {
    server.setRoute(TP_TOKEN, (_r, res) => json(res, { errno: 40001, errMsg: '参数错误' }));
    const e = await rejection(newClient().call('authprocess.getTpToken', { client_id: 'K' }));
    expect(e).toMatchObject({ envelope: 'W', code: 40001, message: '参数错误' });
  });

  test('gateway error_code on a W endpoint is a G error', async ({ server, newClient }) => {
    server.setRoute(PKG_GET, (_r, res) => json(res, { error_code: 110, error_msg: 'Access token invalid or no longer valid' }));
    const e = await rejection(newClient().call('pkg.getPackage', {}, '45.bad'));
    expect(e).toMatchObject({ envelope: 'G', code: 110, message: 'Access token invalid or no longer valid' });
    expect(server.requests(PKG_GET)).toHaveLength(1); // 110 is not transient
  });

  test('R success returns the whole object', async ({ server, newClient }) => {
    const tok = { access_token: '45.a', refresh_token: '46.r', expires_in: 3600, scope: 'x' };
    server.setRoute(OAUTH, (_r, res) => json(res, tok));
    const got = await newClient().call('authprocess.getOAuthToken', { grant_type: 'app_to_tp_authorization_code', code: 'C' }, '42.tp');
    expect(got).toEqual(tok);
    expect(server.requests(OAUTH)[0].query.get('access_token')).toBe('42.tp');
  });

  test('R error with HTTP 400 is still parsed', async ({ server, newClient }) => {
    server.setRoute(OAUTH, (_r, res) => json(res, { error: 'invalid_grant', error_description: 'code used' }, 400));
    const e = await rejection(newClient().call('authprocess.getOAuthToken', { grant_type: 'app_to_tp_authorization_code', code: 'C' }, '42.tp'));
    expect(e).toMatchObject({ envelope: 'R', code: 'invalid_grant', message: 'code used', status: 400 });
  });

  test('B returns bytes, content type and headers', async ({ server, newClient }) => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    server.setRoute(QR, (_r, res) => res.writeHead(200, { 'content-type': 'image/png', 'x-extra': 'y' }).end(png));
    const exchanges: Exchange[] = [];
    const got = await newClient({ onExchange: (x) => exchanges.push(x) }).call('app.getAppQRCode', { path: 'pages/index', width: 300 }, '45.app');
    expect(Buffer.compare(got.bytes, png)).toBe(0);
    expect(got.contentType).toBe('image/png');
    expect(got.headers['x-extra']).toBe('y');
    expect(exchanges[0].responseBody).toBe(`<${png.length} bytes image/png>`);
    expect(server.requests(QR)[0].query.get('width')).toBe('300');
  });

  test('B with a JSON body is a W error', async ({ server, newClient }) => {
    server.setRoute(QR, (_r, res) => json(res, { errno: 47002, msg: '获取二维码失败' }));
    const e = await rejection(newClient().call('app.getAppQRCode', {}, '45.app'));
    expect(e).toMatchObject({ envelope: 'W', code: 47002 });
  });

  test('schema mismatch is a schema error naming the endpoint', async ({ server, newClient }) => {
    // No version (package_id may be missing: an entry still uploading has none, reference §3.11).
    server.setRoute(PKG_GET, (_r, res) => json(res, { errno: 0, msg: 'success', data: [{ package_id: 7, status: 1, upload_status: 2 }] }));
    const e = await rejection(newClient().call('pkg.getPackage', {}, '45.app'));
    expect(e.envelope).toBe('schema');
    expect(e.endpointId).toBe('pkg.getPackage');
    expect(e.message).toContain('pkg.getPackage');
    expect(e.message).toContain('version');
    expect(server.requests(PKG_GET)).toHaveLength(1);
  });

  test('GET array data passes the schema', async ({ server, newClient }) => {
    const rows = [{ package_id: 7, version: '1.0.0', status: 1, upload_status: 2, remark: '' }];
    server.setRoute(PKG_GET, (_r, res) => json(res, { errno: 0, msg: 'success', data: rows }));
    expect(await newClient().call('pkg.getPackage', {}, '45.app')).toEqual(rows);
  });

  test('non-JSON body where JSON is expected is a transport error', async ({ server, newClient }) => {
    server.setRoute(UPLOAD, (_r, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops</html>'));
    const e = await rejection(newClient().call('pkg.uploadPackage', { template_id: '1' }, '45.app'));
    expect(e).toMatchObject({ envelope: 'transport', status: 200, body: '<html>oops</html>' });
  });
});

test.describe('encodings', () => {
  test('form POST: access_token in the query, params form-encoded in the body', async ({ server, newClient }) => {
    server.setRoute(UPLOAD, (_r, res) => json(res, { errno: 0, msg: 'success' }));
    const exchanges: Exchange[] = [];
    const ext = { extEnable: true, ext: { name: '小程序' } };
    const got = await newClient({ onExchange: (x) => exchanges.push(x) }).call(
      'pkg.uploadPackage',
      { template_id: 12, ext_json: ext, user_version: '1.0.0', user_desc: '首发', test_account: undefined },
      '45.app',
    );
    expect(got).toBeUndefined();
    const [r] = server.requests(UPLOAD);
    expect(r.method).toBe('POST');
    expect(Object.fromEntries(r.query)).toEqual({ access_token: '45.app' });
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(r.body.toString());
    expect(Object.fromEntries(form)).toEqual({ template_id: '12', ext_json: JSON.stringify(ext), user_version: '1.0.0', user_desc: '首发' });
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ endpointId: 'pkg.uploadPackage', method: 'POST', status: 200, requestBody: r.body.toString() });
    expect(exchanges[0].url).toBe(`${server.url}${UPLOAD}?access_token=45.app`);
  });

  test('multipart upload sends the file field with its filename', async ({ server, newClient }) => {
    server.setRoute(IMAGE, (_r, res) => json(res, { errno: 0, msg: 'success', data: 'https://b.bdstatic.com/x.png' }));
    const content = Buffer.from('\x89PNG fake image bytes');
    const got = await newClient().call('image.uploadImage', { multipartFile: { filename: 'logo.png', content, contentType: 'image/png' }, type: 1 }, '42.tp');
    expect(got).toBe('https://b.bdstatic.com/x.png');
    const [r] = server.requests(IMAGE);
    expect(r.query.get('access_token')).toBe('42.tp');
    expect(r.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const fd = await new Response(new Uint8Array(r.body), { headers: { 'content-type': r.headers['content-type']! } }).formData();
    const file = fd.get('multipartFile') as File;
    expect(file.name).toBe('logo.png');
    expect(file.type).toBe('image/png');
    expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), content)).toBe(0);
    expect(fd.get('type')).toBe('1');
  });

  test('urlFor builds the GET URL', async ({ server, newClient }) => {
    const c = newClient({ openapiBaseUrl: `${server.url}/` });
    expect(c.urlFor('app.getAppQRCode', { path: 'pages/a b', width: 200, package_id: undefined }, '45.app')).toBe(
      `${server.url}${QR}?path=pages%2Fa+b&width=200&access_token=45.app`,
    );
    expect(c.urlFor('pkg.getPackage')).toBe(`${server.url}${PKG_GET}`);
    expect(() => c.urlFor('no.such')).toThrow(/no catalogue row/);
  });
});

test.describe('retries and transport', () => {
  test('GET read is retried after one 503, then succeeds', async ({ server, newClient }) => {
    let n = 0;
    server.setRoute(PKG_GET, (_r, res) => (n++ === 0 ? res.writeHead(503).end('busy') : json(res, { errno: 0, msg: 'success', data: [] })));
    const exchanges: Exchange[] = [];
    expect(await newClient({ onExchange: (x) => exchanges.push(x) }).call('pkg.getPackage', {}, '45.app')).toEqual([]);
    expect(server.requests(PKG_GET)).toHaveLength(2);
    expect(exchanges.map((x) => x.status)).toEqual([503, 200]);
  });

  test('GET read is retried after a gateway busy error', async ({ server, newClient }) => {
    let n = 0;
    server.setRoute(PKG_GET, (_r, res) =>
      n++ === 0 ? json(res, { error_code: 2, error_msg: 'Service temporarily unavailable' }) : json(res, { errno: 0, msg: 'success', data: [] }));
    expect(await newClient().call('pkg.getPackage', {}, '45.app')).toEqual([]);
    expect(server.requests(PKG_GET)).toHaveLength(2);
  });

  test('transient errno is retried up to the limit, then surfaces', async ({ server, newClient }) => {
    server.setRoute(PKG_GET, (_r, res) => json(res, { errno: 69009, msg: '提包服务暂时不可用' }));
    const e = await rejection(newClient({ retries: 2 }).call('pkg.getPackage', {}, '45.app'));
    expect(e).toMatchObject({ envelope: 'W', code: 69009 });
    expect(server.requests(PKG_GET)).toHaveLength(3);
  });

  test('POST write that gets 503 is not retried', async ({ server, newClient }) => {
    server.setRoute(UPLOAD, (_r, res) => res.writeHead(503).end('busy'));
    const e = await rejection(newClient().call('pkg.uploadPackage', { template_id: '1' }, '45.app'));
    expect(e).toMatchObject({ envelope: 'transport', status: 503 });
    expect(server.requests(UPLOAD)).toHaveLength(1);
  });

  test('R endpoint is not retried', async ({ server, newClient }) => {
    server.setRoute(OAUTH, (_r, res) => res.writeHead(503).end('busy'));
    const e = await rejection(newClient().call('authprocess.getOAuthToken', { grant_type: 'app_to_tp_refresh_token', refresh_token: '46.r' }, '42.tp'));
    expect(e.envelope).toBe('transport');
    expect(server.requests(OAUTH)).toHaveLength(1);
  });

  test('timeout is a transport error within the timeout', async ({ server, newClient }) => {
    server.setRoute(TP_TOKEN, () => {}); // never answers
    const exchanges: Exchange[] = [];
    const started = Date.now();
    const e = await rejection(newClient({ timeoutMs: 300, retries: 0, onExchange: (x) => exchanges.push(x) }).call('authprocess.getTpToken', { client_id: 'K', ticket: 'T' }));
    const elapsed = Date.now() - started;
    expect(e.envelope).toBe('transport');
    expect(e.message).toContain('timed out after 300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed, 'well before the 5 s default: the 300 ms option applied').toBeLessThan(4000);
    expect(exchanges).toEqual([expect.objectContaining({ status: 0, error: 'timed out after 300 ms' })]);
  });

  test('connection refused is a transport error with the cause', async ({ newClient }) => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const e = await rejection(newClient({ openapiBaseUrl: `http://127.0.0.1:${port}`, retries: 0 }).call('pkg.getPackage', {}, '45.app'));
    expect(e.envelope).toBe('transport');
    expect(e.message).toContain('ECONNREFUSED');
  });
});

test.describe('catalogue schemas', () => {
  // The client compiles them without the meta-schema check (it costs every process a cold compile), so it is here.
  test('every response schema in the catalogue is valid JSON Schema (draft-07) with known formats', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv);
    const withData = CATALOGUE.filter((d) => d.data);
    expect(withData.length).toBeGreaterThan(10);
    for (const def of withData) {
      expect(ajv.validateSchema(def.data!), `${def.id}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
      expect(() => ajv.compile(def.data!), def.id).not.toThrow();
    }
  });
});
