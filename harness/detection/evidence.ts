// Turning ledger entries into what a TP developer reads: the Baidu error explained in words, and a command that
// reproduces the call (secrets stay placeholders: the ledger already replaced them by «kind:hash» fingerprints).
import { DEFAULT_EMULATOR_PORT } from '../config.ts';
import { endpoint } from '../baidu/catalogue.ts';
import { ERRNO } from '../baidu/errors.ts';
import { permissionSet } from './permissionSets.ts';
import { shellWord } from '../report/shell.ts';
import type { CallEntry, PushEntry } from './emulatorHandle.ts';
import { errorOf } from './emulatorHandle.ts';

/** One sentence for a failed call, naming the Baidu error and what it means for the TP. */
export function explainCall(e: CallEntry): string {
  const denied = e.facts.permissionDenied as string | undefined;
  if (denied) {
    const set = permissionSet(denied);
    return `${e.endpointId} got Baidu error 45001: mini program ${e.appId} did not grant 「${set?.zh}」 (${set?.en}) to this TP — ` +
      `the admin left it unticked when scanning. Ask the admin to authorize again with 「${set?.zh}」 ticked.`;
  }
  const r = (e.response ?? {}) as Record<string, unknown>;
  if (typeof r.errno === 'number' && r.errno !== 0) {
    const hint = ERRNO[r.errno]?.hint;
    return `${e.endpointId} got errno ${r.errno} ${r.msg}${hint ? ` — ${hint}` : ''}`;
  }
  return `${e.endpointId}: ${errorOf(e)}`;
}

/** Percent-encoded, `!'()*` too: inside the command's double quotes an interactive bash expands `!`. */
const uriEncode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const placeholder = (v: string) => {
  const m = /^«(\w+):[0-9a-f]+»$/.exec(v);
  return m ? `$${m[1]!.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` : v;
};

/**
 * A curl command equivalent to a recorded call. The run's emulator is gone when a reviewer reads the report, so the
 * base is a shell default — `npm run emulator`'s port (started with the run's seed, the same templates and apps
 * exist), or BAIDU (e.g. https://openapi.baidu.com) — and secrets are shell variables the reviewer sets to live values;
 * the trailing comment says so. Values are encoded and quoted so the shell passes them on exactly.
 */
export function curlFor(e: CallEntry, seed?: string): string {
  const query = Object.entries(e.query).map(([k, v]) => {
    const p = placeholder(v);
    return `${encodeURIComponent(k)}=${p !== v ? p : uriEncode(v)}`;
  }).join('&');
  const url = `"\${BAIDU:-http://127.0.0.1:${DEFAULT_EMULATOR_PORT}}${e.path}${query ? `?${query}` : ''}"`;
  const vars = [...new Set([...Object.values(e.query), ...Object.values(e.form)].map(placeholder).filter((v) => /^\$[A-Z_]+$/.test(v)))];
  // A seed is letters, digits, - and _ (the report's schema): safe bare.
  const emulator = seed ? `PREFLIGHT_SEED=${seed} npm run emulator` : 'npm run emulator';
  const note = `  # against ${emulator} (or BAIDU=<base URL>)${vars.length ? `, with ${vars.map((v) => v.slice(1)).join(', ')} set to ${vars.length > 1 ? 'live values' : 'a live value'}` : ''}`;
  if (e.method === 'GET') return `curl -s ${url}${note}`;
  const def = e.endpointId ? safeEndpoint(e.endpointId) : undefined;
  const form = Object.entries(e.form).map(([k, v]) => {
    const p = placeholder(v);
    // A placeholder is a shell variable: double quotes, so that it expands.
    return `--data-urlencode ${p !== v ? `"${k}=${p}"` : shellWord(`${k}=${v}`)}`;
  }).join(' ');
  return `${def?.body === 'multipart' ? `curl -s -X POST ${url} -F multipartFile=@image.png` : `curl -s -X POST ${url} ${form}`.trim()}${note}`;
}

function safeEndpoint(id: string) {
  try {
    return endpoint(id);
  } catch {
    return undefined;
  }
}

/** The compact view of calls that goes into a check's evidence. */
export function callView(calls: CallEntry[]) {
  return calls.map(({ seq, endpointId, method, path, query, form, status, response, facts, appId }) => ({ seq, endpointId, method, path, query, form, status, response, facts, appId }));
}

export function pushView(pushes: PushEntry[]) {
  return pushes.map(({ seq, event, url, status, replyBody, latencyMs, outcome, cause, message }) => ({ seq, event, url, status, replyBody, latencyMs, outcome, cause, message }));
}
