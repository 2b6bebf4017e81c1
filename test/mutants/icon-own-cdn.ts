// Mutant: changes the app's icon with an image URL on its own CDN instead of one returned by upload/image.
// Must break: info.icon-via-upload → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1; Baidu answers
// 47008). The domains are set.
// A real TP bug (reference §4.2, §4.4.3): every image a TP hands Baidu must be uploaded through upload/image first; a
// TP that reuses the URL its own console already shows gets 47008 in production only.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callParams: { 'app.setAppImage': { image_url: 'https://cdn.example.com/icon.png' } } });
