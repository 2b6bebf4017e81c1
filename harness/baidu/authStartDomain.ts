// Baidu's rule for the 授权发起页域名 a TP registers (reference §1.3): the Referer of a request to the authorization page,
// and its redirect_uri, must be on that host or a subdomain of it. One definition for the emulator's authorization
// page and for the checks that judge what it saw.

/** Whether `url` is on `domain` (host[:port], as registered) or a subdomain of it. */
export function underAuthStartDomain(url: string | undefined, domain: string): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).host;
    return host === domain || host.endsWith(`.${domain}`);
  } catch {
    return false;
  }
}
