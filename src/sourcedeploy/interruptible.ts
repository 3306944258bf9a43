/**
 * A SourceDeployApi whose every call also ends when one shared signal aborts: at shutdown the app
 * aborts it so that a listener waiting for a slow SourceDeploy gets an `aborted` error at once and
 * can still tell its user to try again, within the shutdown grace (issue 10, finding 13).
 */
import type { CallOptions, SourceDeployApi } from "./model.js";

export function interruptible(api: SourceDeployApi, interrupt: AbortSignal): SourceDeployApi {
  const run = <T>(options: CallOptions | undefined, call: (options: CallOptions) => Promise<T>) => withSignals(interrupt, options, call);
  return {
    description: api.description,
    getHistory: (projectId, historyId, options) => run(options, (o) => api.getHistory(projectId, historyId, o)),
    listHistories: (projectId, query, options) => run(options, (o) => api.listHistories(projectId, query, o)),
    listProjects: (query, options) => run(options, (o) => api.listProjects(query, o)),
  };
}

/**
 * Runs `call` with a signal that aborts when either the caller's or the interrupt aborts. Listeners
 * are removed when the call settles, so the long-lived interrupt signal gathers nothing per call.
 */
function withSignals<T>(interrupt: AbortSignal, options: CallOptions | undefined, call: (options: CallOptions) => Promise<T>): Promise<T> {
  const callerSignal = options?.signal;
  if (!callerSignal) return call({ ...options, signal: interrupt });
  const either = new AbortController();
  const abort = () => either.abort();
  if (callerSignal.aborted || interrupt.aborted) abort();
  callerSignal.addEventListener("abort", abort, { once: true });
  interrupt.addEventListener("abort", abort, { once: true });
  return call({ ...options, signal: either.signal }).finally(() => {
    callerSignal.removeEventListener("abort", abort);
    interrupt.removeEventListener("abort", abort);
  });
}
