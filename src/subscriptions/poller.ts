/**
 * One poll loop per subscribed project, shared by every channel subscribed to it: one history-list
 * call per tick, however many channels. Each tick diffs the page against the stored cursor
 * (diff.ts), asks each subscription what to post, claims each (channel, history) once in the
 * state store, and hands it to the injected `deliver` (the Slack side). The cursor is stored
 * after the tick, so a restart resumes where the last poll ended: deployments started while the
 * app was down are found at the first tick (and posted as late), none twice.
 *
 * Knows nothing of Slack. Timers are unref()'d; every tick catches everything. Loops start
 * spread over one interval, so many projects do not poll in one burst.
 *
 * Several instances on one Redis: a tick polls only while its instance holds the project's lease
 * (`subscription:<project>`, see state/lease.ts), and checks it again before each post; the others
 * keep their loops idle and take over when the holder dies. One process per store always holds it.
 */
import type { Logger } from "../log.js";
import { compareHistoryIds, type HistorySummary } from "../sourcedeploy/model.js";
import { type Leases, SOLE_OWNER } from "../state/lease.js";
import type { Subscription, SubscriptionStore } from "../state/types.js";
import { diffPoll, type PollDiff, planPosts, postedKey } from "./diff.js";

/** What became of one post. `paused`: the channel is gone for the app; its subscription is paused. */
export type DeliveryOutcome = "posted" | "refused" | "paused" | "failed";

export interface PollerDeps {
  listHistories(projectId: string, pageSize: number, signal: AbortSignal): Promise<HistorySummary[]>;
  store: SubscriptionStore;
  /** Remembers a key (see StateStore.claimOnce): true the first time. */
  claimOnce(key: string): Promise<boolean>;
  /** Posts one history in the subscription's channel. `late`: it started (or, for failures, ended) while the app was down. */
  deliver(subscription: Subscription, history: HistorySummary, late: boolean): Promise<DeliveryOutcome>;
  /** Says in the subscription's channel that `count` new histories were not posted. */
  reportSkipped(subscription: Subscription, project: { id: string; name: string }, count: number, atLeast: boolean): Promise<void>;
  logger: Logger;
  intervalMs: number;
  /** Histories per list call. */
  pageSize: number;
  /** Posts per subscription per tick; the rest are counted in one line. */
  maxPostsPerPoll: number;
  now?: () => number;
  /** Where in the first interval a loop first ticks, 0–1; random by default (tests pass 0). */
  spread?: () => number;
  /** Who polls which project when instances share the store; the sole owner by default. */
  leases?: Leases;
}

export function subscriptionLease(projectId: string): string {
  return `subscription:${projectId}`;
}

interface Loop {
  projectId: string;
  timer?: NodeJS.Timeout;
  /** id → status at the last successful poll. */
  statuses?: Map<string, string>;
  /** The last page, newest first (App Home shows it). */
  recent: HistorySummary[];
  failing: boolean;
}

export class SubscriptionPoller {
  private readonly loops = new Map<string, Loop>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly now: () => number;
  private readonly leases: Leases;
  private readonly startedAt: number;
  private polls = 0;
  private closed = false;
  private scanTimer?: NodeJS.Timeout;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? Date.now;
    this.leases = deps.leases ?? SOLE_OWNER;
    this.startedAt = this.now();
  }

  /**
   * Starts a loop for every project with an active subscription; resolves with their number. With
   * a shared store it looks again every scan interval: another instance may have added one.
   */
  async start(): Promise<number> {
    const all = await this.scan();
    if (this.loops.size > 0) this.deps.logger.info({ projects: this.loops.size, subscriptions: all }, "subscriptions: polling");
    const every = this.leases.scanIntervalMs;
    if (every !== undefined && this.scanTimer === undefined && !this.closed) {
      this.scanTimer = setInterval(() => {
        this.scan().catch((error: unknown) => this.deps.logger.warn({ err: error }, "subscriptions: looking for new subscriptions failed"));
      }, every);
      this.scanTimer.unref();
    }
    return this.loops.size;
  }

  /** Ensures a loop per project with an active subscription; how many subscriptions there are. */
  private async scan(): Promise<number> {
    const all = await this.deps.store.all();
    for (const projectId of new Set(all.filter((s) => !s.paused).map((s) => s.projectId))) this.ensure(projectId);
    return all.length;
  }

  /** A project got a subscription: poll it (a no-op when it is polled already). */
  ensure(projectId: string): void {
    if (this.closed || this.loops.has(projectId)) return;
    const loop: Loop = { projectId, recent: [], failing: false };
    this.loops.set(projectId, loop);
    this.schedule(loop, Math.floor((this.deps.spread ?? Math.random)() * this.deps.intervalMs));
  }

  /** The newest histories of a project as last polled, newest first; undefined when not polled. */
  recent(projectId: string): HistorySummary[] | undefined {
    const loop = this.loops.get(projectId);
    return loop?.statuses ? [...loop.recent] : undefined;
  }

  stats(): { loops: number; polls: number } {
    return { loops: this.loops.size, polls: this.polls };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.scanTimer);
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    const projects = [...this.loops.keys()];
    this.loops.clear();
    this.shutdown.abort(new Error("subscriptions closed"));
    await Promise.allSettled([...this.running]);
    // Let go at once, so another instance takes over without waiting for the lease to lapse.
    await Promise.allSettled(projects.map((projectId) => this.leases.release(subscriptionLease(projectId))));
  }

  private schedule(loop: Loop, ms: number): void {
    if (this.closed) return;
    loop.timer = setTimeout(() => {
      const work = this.tick(loop).catch((error: unknown) =>
        this.deps.logger.error({ err: error, projectId: loop.projectId }, "subscriptions: poll failed unexpectedly"),
      );
      this.running.add(work);
      void work.finally(() => {
        this.running.delete(work);
        if (this.loops.get(loop.projectId) === loop) this.schedule(loop, this.deps.intervalMs);
      });
    }, ms);
    loop.timer.unref();
  }

  private async tick(loop: Loop): Promise<void> {
    const { store, logger } = this.deps;
    const subscriptions = (await store.forProject(loop.projectId)).filter((s) => !s.paused);
    if (subscriptions.length === 0) {
      this.loops.delete(loop.projectId);
      await this.leases.release(subscriptionLease(loop.projectId));
      logger.info({ projectId: loop.projectId }, "subscriptions: no active subscription left; polling stopped");
      return;
    }
    // Another instance polls it; this loop stays, idle, to take over when that one is gone.
    if (!(await this.leases.acquire(subscriptionLease(loop.projectId)))) return;
    let page: HistorySummary[];
    try {
      this.polls += 1;
      page = await this.deps.listHistories(loop.projectId, this.deps.pageSize, this.shutdown.signal);
    } catch (error) {
      if (this.closed) return;
      if (!loop.failing)
        logger.warn({ err: error, projectId: loop.projectId }, "subscriptions: listing the project's histories failed; retrying");
      loop.failing = true;
      return;
    }
    if (loop.failing) logger.info({ projectId: loop.projectId }, "subscriptions: listing works again");
    loop.failing = false;
    const cursor = await store.cursor(loop.projectId);
    const diff = diffPoll(page, cursor, loop.statuses, this.deps.pageSize);
    for (const subscription of subscriptions) {
      if (this.closed) return;
      await this.postFor(subscription, diff);
    }
    loop.statuses = new Map(page.map((h) => [h.id, h.status]));
    loop.recent = [...page].sort((a, b) => compareHistoryIds(b.id, a.id));
    if (diff.cursor !== undefined && diff.cursor !== cursor) await store.setCursor(loop.projectId, diff.cursor);
  }

  private async postFor(subscription: Subscription, diff: PollDiff): Promise<void> {
    const plan = planPosts(subscription, diff, this.deps.maxPostsPerPoll);
    for (const history of plan.post) {
      if (!this.leases.holds(subscriptionLease(subscription.projectId))) return;
      if (!(await this.deps.claimOnce(postedKey(subscription.channelId, subscription.projectId, history.id)))) continue;
      const outcome = await this.deps.deliver(subscription, history, this.isLate(subscription, history));
      if (outcome === "paused") return;
    }
    if (plan.skipped > 0) {
      const project = { id: subscription.projectId, name: plan.post[0]?.project.name || subscription.projectName };
      await this.deps.reportSkipped(subscription, project, plan.skipped, plan.atLeast);
    }
  }

  /** Started (for `failures`: ended) before this process did: found only now, after a restart. */
  private isLate(subscription: Subscription, history: HistorySummary): boolean {
    const at = subscription.failuresOnly ? history.endTime : history.startTime;
    return at !== undefined && at.getTime() < this.startedAt;
  }
}
