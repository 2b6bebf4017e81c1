// Mutant: reads the app's data analysis with its dates written 2026-11-23 (ISO style) instead of Baidu's yyyyMMdd.
// Must break: data.analysis-read → WARNING (an extended check: FAILED only with PREFLIGHT_STRICT=1; Baidu answers
// 40001). Every other check passes.
// A real TP bug (reference §4.11: start_date and end_date are strings yyyyMMdd): the date a TP's own stack formats by
// default is ISO, and its statistics page then stays empty for every customer.
import { runReferenceTp } from '../../harness/platform/reference/main.ts';

await runReferenceTp({ callParams: { 'analysis.getAnalysisUserTrend': { start_date: '2026-11-23', end_date: '2026-11-29' } } });
