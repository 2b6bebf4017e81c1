// What package/get's rows mean (reference §3.11). One reading for the reference TP and for the checks.

/**
 * Whether a package's asynchronous upload (§3.5) finished: Baidu documents only upload_status 1 (uploading) and 3
 * (failed), so anything else — the emulator's 2 (INFERRED), or none at all — is taken as finished.
 */
export function uploadFinished(p: { upload_status?: number }): boolean {
  return p.upload_status !== 1 && p.upload_status !== 3;
}
