// Stands in for a hosts-file entry in one process: names in PREFLIGHT_TEST_HOSTS resolve to 127.0.0.1.
// (The README's setup edits /etc/hosts instead; a test must not change the machine.)
import dns from 'node:dns';

const names = new Set((process.env.PREFLIGHT_TEST_HOSTS ?? '').split(',').filter(Boolean));
const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') [callback, options] = [options, {}];
  if (!names.has(hostname)) return original.call(dns, hostname, options, callback);
  const opts = typeof options === 'number' ? { family: options } : options ?? {};
  if (opts.all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
  return process.nextTick(callback, null, '127.0.0.1', 4);
};
