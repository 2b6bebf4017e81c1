// Mutant: its preflight hook acts on one hard-coded app id, 1452365 (the app id in Baidu's documentation samples),
// whatever app it is asked to act on — a TP whose "detection handler" was written for one known test account.
// Must break: dev.package-upload → FAILED (no package/upload for the authorized test app: the TP acts on an app that
// has not authorized it).
// A real TP bug (field notes §(c) pain 1: only the first test-account group is handled — the WxJava README hard-codes
// two appids and the maintainer's fix was "add your own appid to the list"; wechat-open-toolkit hard-codes group 1):
// the harness draws the test app from the run's seed, as WeChat draws one of 5 groups, so hard-coding fails.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ hookAppId: 1452365 });
