// Emulator-only routes (LocalStack's habit: health, reset, inspectable state). They live under /__emulator/, a
// prefix no Baidu path uses, plus GET /health. What they return is redacted by the ledger.
import { reply, type BaiduReply } from '../baidu/envelopes.ts';
import type { Emulator } from './emulator.ts';
import { ledgerNow } from './ledger.ts';
import type { TpRegistration } from './store.ts';
import { authorize, unauthorize } from './providers/auth.ts';
import { holdAudits, ideUpload } from './providers/development.ts';
import { dashboardPage, timelineSince } from './pages/dashboard.ts';
import { PERMISSION_SETS } from '../detection/permissionSets.ts';
import { TP_DID_NOT_START } from '../detection/runEnv.ts';

const VERSION = '0.1.0';

async function withTp(emu: Emulator, input: Record<string, unknown>, fn: (clientId: string) => BaiduReply | Promise<BaiduReply>): Promise<BaiduReply> {
  if (typeof input.clientId !== 'string' || !input.clientId) return bad('clientId is required (the TP\'s client_id)');
  const clientId = input.clientId;
  if (!emu.tp(clientId)) return bad(`no TP ${clientId}`);
  return fn(clientId);
}

function bad(message: string): BaiduReply {
  return { kind: 'raw', status: 400, body: { error: message } };
}

function json(body: Buffer): Record<string, unknown> | null {
  if (!body.length) return {};
  try {
    const v = JSON.parse(body.toString('utf8'));
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Side-door actions that change what Baidu answers next, recorded in the ledger once they are done (entries never
 * change after they are recorded: the checks' handle caches them), stamped with the time they started, so that a
 * timeline in time order shows them before what they caused. Pushes, handshakes and developer-tool uploads are not
 * here: they are entries of their own.
 */
const RECORDED = new Set([
  'POST /__emulator/tps', 'POST /__emulator/clock', 'POST /__emulator/tp/revoke-tokens', 'POST /__emulator/app/expire-token',
  'POST /__emulator/app/transient-error', 'POST /__emulator/app/reauthorize', 'POST /__emulator/app/unauthorize',
  'POST /__emulator/app/audit-hold', 'POST /__emulator/app/state',
]);

/** A registration's public part: its body also carries the message token and the EncodingAESKey. */
const REGISTRATION_FIELDS = ['clientId', 'tpAppId', 'testAppIds', 'permissionSets', 'authStartDomain'];

export async function handleSideDoor(emu: Emulator, method: string, url: URL, body: Buffer): Promise<BaiduReply> {
  const route = `${method} ${url.pathname}`;
  const input = json(body);
  if (input === null) return bad('body must be a JSON object');

  if (emu.startup && route !== 'GET /health' && route !== 'GET /__emulator/health') {
    try {
      await emu.startup;
    } catch (e) {
      return { kind: 'raw', status: 503, body: { error: `${TP_DID_NOT_START}: ${(e as Error).message}` } };
    }
  }
  if (!RECORDED.has(route)) return act(emu, route, input, url);
  const appId = Number(input.appId);
  const at = ledgerNow();
  const record = (status: number) => emu.ledger.record({
    at, dir: 'sidedoor', route, status,
    ...(typeof input.clientId === 'string' ? { clientId: input.clientId } : {}),
    ...(Number.isInteger(appId) && appId > 0 ? { appId } : {}),
    input: route === 'POST /__emulator/tps' ? Object.fromEntries(REGISTRATION_FIELDS.filter((k) => k in input).map((k) => [k, input[k]])) : input,
  });
  try {
    const out = await act(emu, route, input, url);
    record(out.status);
    return out;
  } catch (e) {
    record(500);
    throw e;
  }
}

async function act(emu: Emulator, route: string, input: Record<string, unknown>, url: URL): Promise<BaiduReply> {
  switch (route) {
    case 'GET /health':
    case 'GET /__emulator/health':
      return reply.raw({ status: 'ok', service: 'baidu-tp-emulator', version: VERSION, tps: emu.store.tps.size, ledger: emu.ledger.size });
    case 'POST /__emulator/reset':
      emu.reset();
      return reply.raw({ reset: true });
    case 'GET /__emulator/ledger': {
      const since = Number(url.searchParams.get('since') ?? 0);
      return reply.raw({ entries: emu.ledger.redacted(Number.isFinite(since) ? since : 0) });
    }
    case 'GET /__emulator/':
      return dashboardPage(emu);
    case 'GET /__emulator/timeline': {
      const since = Number(url.searchParams.get('since') ?? 0);
      return reply.raw(timelineSince(emu, Number.isFinite(since) && since > 0 ? since : 0));
    }
    case 'GET /__emulator/state':
      return reply.raw(emu.ledger.redact(emu.store.snapshot(emu.now())));
    case 'POST /__emulator/tps': {
      const tp = input as unknown as TpRegistration;
      for (const k of ['clientId', 'tpAppId', 'messageToken', 'encodingAesKey', 'authEventUrl', 'messageEventUrl', 'authStartDomain'] as const) {
        if (!tp[k]) return bad(`${k} is required`);
      }
      // Checked before anything is stored: a half-registered TP would break every later page that lists TPs.
      if (input.testAppIds !== undefined && !(Array.isArray(input.testAppIds) && input.testAppIds.every((a) => Number.isInteger(a) && (a as number) > 0))) {
        return bad('testAppIds must be an array of app ids (positive integers)');
      }
      if (input.permissionSets !== undefined && !(Array.isArray(input.permissionSets) && input.permissionSets.every((p) => typeof p === 'string' && PERMISSION_SETS.some((s) => s.slug === p)))) {
        return bad(`permissionSets must be an array of permission-set slugs (${PERMISSION_SETS.map((s) => s.slug).join(', ')})`);
      }
      emu.registerTp({ ...({ name: '预检第三方平台', testAppIds: [], permissionSets: [] } as Partial<TpRegistration>), ...tp }, { scheduleTickets: input.scheduleTickets !== false });
      return reply.raw({ registered: tp.clientId });
    }
    case 'POST /__emulator/clock': {
      const seconds = Number(input.advanceSeconds ?? 0);
      if (!Number.isFinite(seconds) || seconds < 0) return bad('advanceSeconds must be a number of seconds, 0 or more');
      emu.advance(seconds);
      return reply.raw({ now: emu.now() });
    }
    case 'POST /__emulator/push/ticket': {
      const clientId = String(input.clientId ?? '');
      const tp = emu.tp(clientId);
      if (!tp) return bad(`no TP ${clientId}`);
      // A genuine ticket sealed with the identity the TP's registration does not use (a probe: Baidu's is UNKNOWN).
      const { identifier } = input;
      if (identifier === undefined) return reply.raw(emu.ledger.redact(await emu.pushTicket(clientId)));
      if (identifier !== 'clientId' && identifier !== 'tpAppId') return bad('identifier must be "clientId" or "tpAppId"');
      const sealed = identifier === 'tpAppId' ? String(tp.tpAppId) : tp.clientId;
      return reply.raw(emu.ledger.redact(await emu.pushTicket(clientId, { identifier: sealed, facts: { probe: 'identifier', identifier } })));
    }
    case 'POST /__emulator/probe/echostr': {
      const clientId = String(input.clientId ?? '');
      if (!emu.tp(clientId)) return bad(`no TP ${clientId}`);
      return reply.raw(emu.ledger.redact(await emu.probeEcho(clientId, input.badSignature === true)));
    }
    case 'POST /__emulator/push/replay': {
      // Re-sends a recorded push byte for byte (a reviewer's `npx preflight push replay <ledger-id>`).
      if (input.seq === undefined) return bad('give the ledger id of a recorded push: {"seq": N}');
      const entry = emu.ledger.raw().find((e) => e.seq === Number(input.seq));
      if (!entry || entry.dir !== 'push') return bad(`ledger entry ${JSON.stringify(input.seq)} is not a push`);
      return reply.raw(emu.ledger.redact(await emu.replay(entry)));
    }
    // Probes (issue 4): faults Baidu can produce, injected on demand.
    case 'POST /__emulator/push/forged-ticket':
      return withTp(emu, input, async (clientId) => reply.raw(emu.ledger.redact(await emu.pushForgedTicket(clientId))));
    case 'POST /__emulator/tp/revoke-tokens':
      return withTp(emu, input, (clientId) => {
        // Kept, marked: a call with one is refused as Baidu refuses an invalid token, and the ledger says a probe did it.
        for (const t of emu.store.tpTokens.values()) if (t.clientId === clientId) t.revoked = true;
        return reply.raw({ revoked: true });
      });
    case 'POST /__emulator/app/expire-token':
      return withTp(emu, input, (clientId) => {
        let n = 0;
        for (const t of emu.store.authorizerTokens.values()) {
          if (t.clientId === clientId && t.appId === Number(input.appId) && t.expiresAt > emu.now()) {
            t.expiresAt = emu.now() - 1;
            t.expiredByProbe = true;
            n++;
          }
        }
        // Each expiry says how slow the refreshes after it are: none unless asked (an earlier probe's slowness ends here).
        if (Number(input.slowRefreshMs) > 0) {
          emu.store.slowRefresh.set(Number(input.appId), { delayMs: Number(input.slowRefreshMs), untilMs: emu.now() + 5000 });
        } else {
          emu.store.slowRefresh.delete(Number(input.appId));
        }
        return reply.raw({ expired: n });
      });
    case 'POST /__emulator/app/transient-error':
      // The next `count` calls made with the app's authorizer token get gateway error 2 (service temporarily
      // unavailable), as Baidu's gateway answers now and then; 0 disarms (probe.transient-error-retried).
      return withTp(emu, input, (clientId) => {
        const appId = Number(input.appId);
        const count = input.count === undefined ? 1 : Number(input.count);
        if (!Number.isInteger(appId) || appId <= 0) return bad('appId is required (the authorized app\'s numeric id)');
        if (!Number.isInteger(count) || count < 0 || count > 10) return bad('count must be a whole number from 0 to 10');
        // Disarming always works; arming needs an app that can call (one armed for another TP's app never fires).
        const key = `${clientId}:${appId}`;
        if (!count) {
          emu.store.transientErrors.delete(key);
          return reply.raw({ armed: 0 });
        }
        if (!emu.store.authorization(clientId, appId)?.active) return bad(`app ${input.appId} has not authorized ${clientId}`);
        emu.store.transientErrors.set(key, count);
        return reply.raw({ armed: count });
      });
    case 'POST /__emulator/app/reauthorize':
      // The admin authorizes the app again with one permission set changed — the last granted one is unticked, or
      // one more ticked when only one was granted — so UPDATE_AUTHORIZED is pushed as for a real change
      // (probe.reauthorization); a TP with a single set, granted, leaves nothing to change, and the push comes anyway.
      // A re-authorization with the same sets goes through the authorization page, as a real admin's does.
      return withTp(emu, input, async (clientId) => {
        const tp = emu.requireTp(clientId);
        const prev = emu.store.authorization(clientId, Number(input.appId));
        if (!prev?.active) return bad(`app ${input.appId} has not authorized ${clientId}`);
        const untick = prev.granted.length > 1 ? prev.granted.slice(0, -1) : undefined;
        const tick = tp.permissionSets.find((s) => !prev.granted.includes(s));
        const granted = untick ?? (tick ? [...prev.granted, tick] : prev.granted);
        const { event, generation } = authorize(emu, tp, prev.appId, granted, { push: true });
        await emu.idle();
        return reply.raw({ event, granted, generation });
      });
    case 'POST /__emulator/app/unauthorize':
      return withTp(emu, input, async (clientId) => reply.raw(emu.ledger.redact(await unauthorize(emu, emu.requireTp(clientId), Number(input.appId)))));
    case 'POST /__emulator/app/audit-hold': {
      // The reviewer has not got to the app's submissions yet (hold: true), or gets to them now (hold: false).
      if (!emu.store.apps.has(Number(input.appId))) return bad(`no app ${input.appId}`);
      if (typeof input.hold !== 'boolean') return bad('hold must be true or false');
      // `decisions`: how many are waiting (hold) or were just released.
      return reply.raw({ appId: Number(input.appId), hold: input.hold, decisions: holdAudits(emu, Number(input.appId), input.hold) });
    }
    case 'POST /__emulator/ide/upload':
      // The developer tool's upload (定制开发): a stand-in for Baidu's IDE, which a person or the TP's build uses.
      return withTp(emu, input, (clientId) => {
        const appId = Number(input.appId);
        if (!Number.isInteger(appId) || !emu.store.apps.has(appId)) return bad(`no app ${input.appId}`);
        for (const k of ['version', 'desc'] as const) if (input[k] !== undefined && typeof input[k] !== 'string') return bad(`${k} must be a string`);
        const e = ideUpload(emu, clientId, appId, { version: input.version as string | undefined, desc: input.desc as string | undefined });
        return e.status === 200
          ? reply.raw({ seq: e.seq, appId, packageId: e.facts.packageId })
          : { kind: 'raw', status: 400, body: { error: `errno ${e.errno}: ${e.facts.why}`, errno: e.errno, seq: e.seq } };
      });
    case 'POST /__emulator/app/state': {
      // Test precondition: an app whose name or category has not passed Baidu's basic-info audit (69001–69003).
      const app = emu.store.apps.get(Number(input.appId));
      if (!app) return bad(`no app ${input.appId}`);
      if (typeof input.nameApproved === 'boolean') app.nameApproved = input.nameApproved;
      if (typeof input.categoryApproved === 'boolean') app.categoryApproved = input.categoryApproved;
      return reply.raw(app);
    }
    case 'POST /__emulator/idle':
      await emu.idle();
      return reply.raw({ idle: true });
    default:
      return { kind: 'raw', status: 404, body: { error: `no emulator route ${route}` } };
  }
}
