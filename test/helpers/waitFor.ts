/**
 * Polls `cond` every 10 ms until it holds; rejects after `timeoutMs` (generous: it bounds a hang, it is never a
 * timing assertion). The one polling wait the integration tests share.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const start = Date.now()
  for (;;) {
    if (await cond()) return
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
