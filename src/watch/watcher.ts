/**
 * Keeps messages about running deployments current until the deployment ends.
 *
 * One poll loop per (project, history), shared by all watches of that history: one upstream fetch
 * per tick whatever the number of watches. Fetches of all loops go through one p-throttle limiter
 * (`upstreamMaxRps`). A loop schedules its next tick only after the current one finished, so each
 * loop has at most one fetch queued: when the limiter is the bottleneck, loops simply tick slower.
 *
 * Each tick: fetch (or reuse the terminal history), then for each watch decide (policy.ts), render,
 * compare the digest with the last one delivered, deliver, and apply the result. A loop ends when
 * its history has no watches left. Every timer callback catches everything; timers are unref()'d.
 *
 * When instances share the watch store (Redis), a loop runs only while this instance holds the
 * lease on its history (`ownership`): taken when the loop would start, checked before every
 * delivery, released when the loop ends or the watcher closes. A lost lease stops the loop at
 * once; every `scanIntervalMs` the watcher adopts watched histories that no instance polls (their
 * holder died or let go), so a dead instance's messages go on updating.
 */
import { randomUUID } from "node:crypto";
import pThrottle from "p-throttle";
import type { Logger } from "../log.js";
import type { Message } from "../render/index.js";
import { isSourceDeployError } from "../sourcedeploy/errors.js";
import { type History, isTerminalHistoryStatus } from "../sourcedeploy/model.js";
import { historyKey } from "./memory-store.js";
import {
  type Admission,
  admitWatch,
  afterDelivery,
  checkSettings,
  digestOf,
  isClosing,
  nextIntervalMs,
  planWatch,
  throttleWindow,
} from "./policy.js";
import type {
  DeliveryResult,
  LoopOwnership,
  PollState,
  Requester,
  Watch,
  WatcherDeps,
  WatchInput,
  WatchSettings,
  WatchStore,
} from "./types.js";

/** One process: it polls everything it holds watches of. */
const ALWAYS_OWNED: LoopOwnership = {
  scanIntervalMs: undefined,
  acquire: async () => true,
  holds: () => true,
  release: async () => undefined,
  onLost: () => () => undefined,
};

/** Each watched history once, however many messages follow it. */
function distinctHistories(watches: readonly Watch[]): Array<{ projectId: string; historyId: string }> {
  const byKey = new Map(watches.map((w) => [historyKey(w.projectId, w.historyId), { projectId: w.projectId, historyId: w.historyId }]));
  return [...byKey.values()];
}

/** The lease a loop runs under. */
const leaseOf = (key: string) => `history:${key}`;

interface Loop {
  readonly key: string;
  readonly projectId: string;
  readonly historyId: string;
  intervalMs: number;
  timer?: NodeJS.Timeout;
  /** The last history fetched successfully (or the caller's `initial`). */
  history?: History;
  historyDigest?: string;
  lastSuccessAt?: Date;
  /** Why the last fetch failed; undefined while fetches succeed. */
  failure?: string;
}

/** The loop's view at one tick: what to render, in which state. */
interface Poll {
  history: History;
  state: PollState;
}

export class Watcher<Hints extends object> {
  private readonly store: WatchStore<Hints>;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly settings: WatchSettings;
  private readonly loops = new Map<string, Loop>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly fetch: (projectId: string, historyId: string) => Promise<History>;
  /** Serializes registrations with loop-end decisions, so no watch joins a loop that is ending. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly ownership: LoopOwnership;
  private readonly stopListening: () => void;
  private readonly scanTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WatcherDeps<Hints>) {
    this.settings = checkSettings(deps.settings);
    this.store = deps.store;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    const throttle = pThrottle({ ...throttleWindow(this.settings.upstreamMaxRps), strict: true, signal: this.shutdown.signal });
    this.fetch = throttle((projectId: string, historyId: string) => deps.fetchHistory(projectId, historyId, this.shutdown.signal));
    this.ownership = deps.ownership ?? ALWAYS_OWNED;
    this.stopListening = this.ownership.onLost((name) => this.lost(name));
    const scanMs = this.ownership.scanIntervalMs;
    if (scanMs !== undefined) {
      this.scanTimer = setInterval(() => void this.adopt(), scanMs);
      this.scanTimer.unref();
    }
  }

  /** Registers a watch. Returns false (and logs why) when a quota is full — the caller then keeps a Refresh button. */
  async watch(input: WatchInput<Hints>): Promise<boolean> {
    try {
      return await this.exclusive(() => this.register(input));
    } catch (error) {
      this.logger.warn({ err: error, projectId: input.projectId, historyId: input.historyId }, "watch: registration failed");
      return false;
    }
  }

  /**
   * Starts a loop for every history the store holds watches of: after a restart, the messages
   * followed before it keep updating. Each watch's last digest is stored with it, so a message
   * whose deployment did not change meanwhile is not sent again. Returns the number of watches.
   */
  async resume(): Promise<number> {
    return this.exclusive(async () => {
      const watches = await this.store.all();
      for (const { projectId, historyId } of distinctHistories(watches)) await this.ensureLoop(projectId, historyId);
      if (watches.length > 0) this.logger.info({ watches: watches.length, loops: this.loops.size }, "watch: resumed the stored watches");
      return watches.length;
    });
  }

  /** Whether a watch asked for by `requester` would fit now (its quota, its channel's, the cap). */
  async admission(requester: Requester): Promise<Admission> {
    return admitWatch(await this.store.counts(requester), this.settings);
  }

  activeWatches(): Promise<number> {
    return this.store.count();
  }

  activeLoops(): number {
    return this.loops.size;
  }

  /** Stops all loops (for shutdown and tests); pending timers cleared, ticks in progress awaited. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.scanTimer);
    this.stopListening();
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    const keys = [...this.loops.keys()];
    this.loops.clear();
    this.shutdown.abort(new Error("watcher closed"));
    await Promise.allSettled([...this.running]);
    // Let go at once: another instance takes the messages over at its next scan (a rolling deploy).
    await Promise.allSettled(keys.map((key) => this.ownership.release(leaseOf(key))));
  }

  /** Starts a loop for every watched history that no instance polls and whose lease this one gets. Never rejects. */
  private async adopt(): Promise<void> {
    try {
      await this.exclusive(async () => {
        if (this.closed) return;
        const before = this.loops.size;
        // One lease round trip per history, not per message following it.
        for (const { projectId, historyId } of distinctHistories(await this.store.all())) await this.ensureLoop(projectId, historyId);
        if (this.loops.size > before)
          this.logger.info(
            { adopted: this.loops.size - before, loops: this.loops.size },
            "watch: adopted histories no instance was polling",
          );
      });
    } catch (error) {
      this.logger.warn({ err: error }, "watch: looking for histories to adopt failed");
    }
  }

  /** The lease of a loop went to another instance (or expired): stop polling at once. */
  private lost(name: string): void {
    for (const [key, loop] of this.loops) {
      if (leaseOf(key) !== name) continue;
      clearTimeout(loop.timer);
      this.loops.delete(key);
      this.logger.info(
        { projectId: loop.projectId, historyId: loop.historyId },
        "watch: lease lost; this instance stops polling the history",
      );
    }
  }

  private async register(input: WatchInput<Hints>): Promise<boolean> {
    const { initial, ...fields } = input;
    const log = { projectId: fields.projectId, historyId: fields.historyId, location: fields.location.kind };
    if (this.closed) return false;
    if (!usable(fields.location, this.now())) {
      this.logger.debug(log, "watch: response_url already used up or expired");
      return false;
    }
    if (initial && isTerminalHistoryStatus(initial.status)) {
      this.logger.debug({ ...log, status: initial.status }, "watch: history already finished, nothing to watch");
      return false;
    }
    const admission = await this.admission(fields.requester);
    if (admission.kind === "refuse") {
      this.logger.warn({ ...log, ...fields.requester, quota: admission.quota, limit: admission.limit }, "watch: quota full, not watching");
      return false;
    }
    const watch: Watch<Hints> = {
      ...fields,
      requester: { ...fields.requester },
      hints: { ...fields.hints },
      id: randomUUID(),
      createdAt: this.now(),
    };
    if (initial) watch.lastDigest = this.initialDigest(watch, initial);
    await this.store.add(watch);
    await this.ensureLoop(watch.projectId, watch.historyId, initial);
    this.logger.debug({ ...log, watchId: watch.id }, "watch: added");
    return true;
  }

  /** The digest of what the caller just sent, so an unchanged first tick sends nothing. */
  private initialDigest(watch: Watch<Hints>, initial: History): string | undefined {
    try {
      return digestOf(this.deps.render(watch, initial, { kind: "live" }));
    } catch (error) {
      this.logger.warn({ err: error, watchId: watch.id }, "watch: render failed");
      return undefined;
    }
  }

  /** Starts the history's loop unless it runs (here, or under another instance's lease). */
  private async ensureLoop(projectId: string, historyId: string, initial?: History): Promise<void> {
    if (this.closed) return;
    const key = historyKey(projectId, historyId);
    const existing = this.loops.get(key);
    if (existing) {
      if (initial && !existing.history) this.seed(existing, initial);
      return;
    }
    if (!(await this.ownership.acquire(leaseOf(key))) || this.closed || this.loops.has(key)) return;
    const loop: Loop = { key, projectId, historyId, intervalMs: this.settings.intervalMs };
    if (initial) this.seed(loop, initial);
    this.loops.set(key, loop);
    this.schedule(loop, loop.intervalMs);
  }

  private seed(loop: Loop, history: History): void {
    loop.history = history;
    loop.historyDigest = digestOf(history);
    loop.lastSuccessAt = new Date(this.now());
  }

  private schedule(loop: Loop, delayMs: number): void {
    if (this.closed || this.loops.get(loop.key) !== loop) return;
    loop.timer = setTimeout(() => {
      loop.timer = undefined;
      const run = this.runTick(loop);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delayMs);
    loop.timer.unref();
  }

  /** Never rejects. */
  private async runTick(loop: Loop): Promise<void> {
    try {
      await this.tick(loop);
    } catch (error) {
      this.logger.error({ err: error, projectId: loop.projectId, historyId: loop.historyId }, "watch: tick failed");
    }
    if (this.closed || this.loops.get(loop.key) !== loop) return;
    let active = true;
    try {
      active = await this.exclusive(() => this.keepOrEnd(loop));
    } catch (error) {
      this.logger.error({ err: error, projectId: loop.projectId, historyId: loop.historyId }, "watch: store lookup failed");
    }
    if (active) this.schedule(loop, loop.intervalMs);
  }

  private async keepOrEnd(loop: Loop): Promise<boolean> {
    const remaining = await this.store.forHistory(loop.projectId, loop.historyId);
    if (remaining.length > 0) return this.loops.get(loop.key) === loop;
    if (this.loops.get(loop.key) === loop) {
      this.loops.delete(loop.key);
      await this.ownership.release(leaseOf(loop.key));
    }
    this.logger.debug({ projectId: loop.projectId, historyId: loop.historyId }, "watch: loop ended");
    return false;
  }

  private async tick(loop: Loop): Promise<void> {
    if (!this.ownership.holds(leaseOf(loop.key))) return this.lost(leaseOf(loop.key));
    const watches = await this.store.forHistory(loop.projectId, loop.historyId);
    if (watches.length === 0 || this.closed) return;
    const poll = await this.poll(loop);
    if (this.closed) return;
    const now = this.now();
    await Promise.all(
      watches.map((watch) =>
        this.serve(loop, watch, poll, now).catch((error: unknown) => {
          this.logger.error({ err: error, watchId: watch.id }, "watch: update failed");
        }),
      ),
    );
  }

  /** Fetches the history (not once it is terminal: it never changes again) and sets the next interval. */
  private async poll(loop: Loop): Promise<Poll | undefined> {
    if (loop.history && isTerminalHistoryStatus(loop.history.status)) {
      loop.intervalMs = this.settings.intervalMs;
      return { history: loop.history, state: { kind: "final" } };
    }
    try {
      const history = await this.fetch(loop.projectId, loop.historyId);
      const digest = digestOf(history);
      // Recovering from failures counts as a change: the message goes from stale back to live.
      const changed = digest !== loop.historyDigest || loop.failure !== undefined;
      loop.history = history;
      loop.historyDigest = digest;
      loop.lastSuccessAt = new Date(this.now());
      loop.failure = undefined;
      const terminal = isTerminalHistoryStatus(history.status);
      loop.intervalMs = terminal
        ? this.settings.intervalMs
        : nextIntervalMs(loop.intervalMs, changed ? "changed" : "unchanged", this.settings);
      return { history, state: terminal ? { kind: "final" } : { kind: "live" } };
    } catch (error) {
      // close() aborts fetches in flight (code `aborted`): shutting down, not a SourceDeploy failure.
      if (this.closed) return undefined;
      loop.failure = failureReason(error);
      loop.intervalMs = nextIntervalMs(loop.intervalMs, "failed", this.settings);
      this.logger.warn(
        { err: error, projectId: loop.projectId, historyId: loop.historyId, nextMs: loop.intervalMs },
        "watch: fetch failed",
      );
      if (!loop.history || !loop.lastSuccessAt) return undefined;
      return { history: loop.history, state: { kind: "stale", lastSuccessAt: loop.lastSuccessAt, reason: loop.failure } };
    }
  }

  private async serve(loop: Loop, watch: Watch<Hints>, poll: Poll | undefined, now: number): Promise<void> {
    const plan = planWatch(watch, poll?.state, now, loop.intervalMs, this.settings);
    if (plan.kind === "wait") return;
    if (plan.kind === "drop" || !poll) {
      await this.remove(watch, plan.kind === "drop" ? plan.why : "nothing to render");
      return;
    }
    const message = this.deps.render(watch, poll.history, plan.state);
    const digest = digestOf(message);
    if (digest === watch.lastDigest) {
      if (isClosing(plan.state)) await this.remove(watch, "closing update unchanged");
      return;
    }
    // Fencing: a loop whose lease lapsed (a long fetch, a paused process) edits nothing more.
    if (this.closed || !this.ownership.holds(leaseOf(loop.key))) return;
    // A response_url use is stored as spent before the post: a crash right after it cannot give
    // the restarted app a use Slack no longer has. Given back when Slack did not take it (429).
    const reserved = spendUse(watch.location);
    if (reserved) await this.store.update(watch.id, { location: reserved });
    const result = await this.deliver(watch, message);
    const planned = afterDelivery(watch, result, digest, plan.state, this.now());
    const action =
      reserved && result.kind === "retry_after" && planned.kind === "update"
        ? { ...planned, patch: { ...planned.patch, location: watch.location } }
        : planned;
    if (result.kind === "failed")
      this.logger.warn({ watchId: watch.id, reason: result.reason, err: result.error, state: plan.state.kind }, "watch: delivery failed");
    // Waiting for a turn of the edit budget happens every tick with many messages: debug, not info.
    if (result.kind === "retry_after" && result.heldBack)
      this.logger.debug({ watchId: watch.id, retryAfterMs: result.ms }, "watch: held back by the Slack edit budget");
    else if (result.kind === "retry_after")
      this.logger.info({ watchId: watch.id, retryAfterMs: result.ms }, "watch: rate limited by Slack");
    if (action.kind === "remove") await this.remove(watch, action.why);
    else if (action.kind === "update") await this.store.update(watch.id, action.patch);
  }

  private async deliver(watch: Watch<Hints>, message: Message): Promise<DeliveryResult> {
    try {
      return await this.deps.deliver(watch, message);
    } catch (error) {
      return { kind: "failed", reason: "deliver threw", error };
    }
  }

  private async remove(watch: Watch, why: string): Promise<void> {
    await this.store.remove(watch.id);
    this.logger.debug({ watchId: watch.id, projectId: watch.projectId, historyId: watch.historyId, why }, "watch: removed");
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The location with one response_url use spent; undefined for other kinds. */
function spendUse(location: Watch["location"]): Watch["location"] | undefined {
  return location.kind === "response_url" ? { ...location, usesLeft: location.usesLeft - 1 } : undefined;
}

function usable(location: Watch["location"], now: number): boolean {
  return location.kind !== "response_url" || (location.usesLeft > 0 && location.expiresAt > now);
}

/** A short machine-readable reason for a stale message: the SourceDeploy error code when there is one. */
function failureReason(error: unknown): string {
  return isSourceDeployError(error) ? error.code : "unexpected";
}
