import { describe, expect, it } from "vitest";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import { interruptible } from "../../src/sourcedeploy/interruptible.js";
import type { CallOptions, SourceDeployApi } from "../../src/sourcedeploy/model.js";

/** An upstream whose every call waits until its signal aborts, and records the signals it got. */
function stalledUpstream(): { api: SourceDeployApi; signals: (AbortSignal | undefined)[] } {
  const signals: (AbortSignal | undefined)[] = [];
  const stall = (options?: CallOptions) => {
    signals.push(options?.signal);
    return new Promise<never>((_resolve, reject) => {
      const cancelled = () => reject(new SourceDeployError("aborted", "The SourceDeploy request was cancelled"));
      if (options?.signal?.aborted) cancelled();
      options?.signal?.addEventListener("abort", cancelled, { once: true });
    });
  };
  return {
    signals,
    api: {
      description: "stalled",
      getHistory: (_p, _h, options) => stall(options),
      listHistories: (_p, _q, options) => stall(options),
      listProjects: (_q, options) => stall(options),
    },
  };
}

describe("interruptible", () => {
  it("finding 13: the interrupt ends every call still waiting, with or without the caller's own signal", async () => {
    const { api } = stalledUpstream();
    const interrupt = new AbortController();
    const wrapped = interruptible(api, interrupt.signal);
    const caller = new AbortController();
    const calls = [wrapped.getHistory("1", "2"), wrapped.listHistories("1", {}, { signal: caller.signal }), wrapped.listProjects()];
    interrupt.abort();
    for (const call of calls) await expect(call).rejects.toMatchObject({ name: "SourceDeployError", code: "aborted" });
    expect(caller.signal.aborted).toBe(false);
    await expect(wrapped.getHistory("1", "3")).rejects.toMatchObject({ code: "aborted" });
  });

  it("still ends a call when only the caller's own signal aborts", async () => {
    const { api, signals } = stalledUpstream();
    const interrupt = new AbortController();
    const caller = new AbortController();
    const call = interruptible(api, interrupt.signal).getHistory("1", "2", { signal: caller.signal });
    caller.abort();
    await expect(call).rejects.toMatchObject({ code: "aborted" });
    expect(interrupt.signal.aborted).toBe(false);
    expect(signals[0]?.aborted).toBe(true);
  });
});
