/**
 * Waiting in tests: for a condition, never for a fixed time. The timeout is generous on purpose: a
 * busy machine makes the app slow, not wrong, so only a condition that never comes should fail.
 */

/** How long a test waits for something the app is expected to do before it gives up. */
export const GENEROUS_TIMEOUT_MS = 10_000;

const POLL_MS = 20;

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = GENEROUS_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
