// Variant (a correct TP, not a mutant): it develops its customers' code in the developer tool (定制开发) and never
// calls package/upload; it then submits the package with package/submitaudit as usual. Baidu's 开发管理权限 detection
// counts a package submitted with the developer tool (reference §7.1.3), so every development check passes.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ uploadWithIde: process.env.BAIDU_SMARTPROGRAM_URL });
