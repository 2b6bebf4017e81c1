// Variant (a correct TP, not a mutant): it develops its customers' code in the developer tool (定制开发) and never
// calls package/upload; it then submits the package with package/submitaudit as usual. Baidu's 开发管理权限 detection
// counts a package submitted with the developer tool (reference §7.1.3), so every development check passes.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

// The developer tool's stand-in is the emulator, where the TP's Baidu base URL points (as main.ts reads it).
const emulator = process.env.BAIDU_SMARTPROGRAM_URL ?? process.env.BAIDU_OPENAPI_URL;
if (!emulator) throw new Error('ide-upload: BAIDU_SMARTPROGRAM_URL (or BAIDU_OPENAPI_URL) must name the emulator');
await runReferenceTp({ uploadWithIde: emulator });
