// Mutant: echoes any echoStr without verifying its signature.
// Must break: cs.echostr-bad-signature → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1).
// A real TP bug (reference §2.7; field notes pain 11): Baidu's handshake still passes, but a URL that echoes whatever
// it is sent proves nothing about who is calling — anyone can pass it off as theirs, and the same missing
// SHA-1(sort(token, timestamp, nonce)) check usually means the message pushes are not verified either.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ verifyEchoSignature: false });
