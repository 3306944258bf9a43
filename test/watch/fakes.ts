/**
 * Fakes for the watcher: an upstream whose histories follow a script, a renderer whose text shows
 * the state, and a deliverer that records every delivery and answers what the test says.
 */

import { silentLogger } from "../../src/log.js";
import type { Message } from "../../src/render/index.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import type { History } from "../../src/sourcedeploy/model.js";
import { MemoryWatchStore } from "../../src/watch/memory-store.js";
import { DEFAULT_WATCH_SETTINGS } from "../../src/watch/policy.js";
import type {
  DeliveryResult,
  MessageLocation,
  PollState,
  Requester,
  Watch,
  WatcherDeps,
  WatchInput,
  WatchSettings,
} from "../../src/watch/types.js";

export const T0 = Date.UTC(2026, 2, 8, 14, 0, 0);

/** Who asks for the watches of tests that are not about quotas. */
export const ALICE: Requester = { userId: "U0ALICE", channelId: "C1" };

/** A history whose visible progress is `step` (one target's status). */
export function history(id: string, status: string, step = "pending"): History {
  return {
    id,
    project: { id: "1", name: "web" },
    stage: { id: "2", name: "prod" },
    scenario: { id: "3", name: "rolling" },
    status,
    type: "Server",
    config: {},
    targetShape: "servers",
    targets: [{ name: "web-1", status: step, steps: {} }],
  };
}

export interface Delivery {
  at: number;
  watchId: string;
  location: MessageLocation;
  state: PollState;
  text: string;
}

export interface Fetch {
  at: number;
  historyId: string;
}

export class FakeUpstream {
  readonly fetches: Fetch[] = [];
  /** Per history id: what the next fetches return, in order; the last entry repeats. */
  private readonly scripts = new Map<string, Array<History | Error>>();

  script(historyId: string, ...steps: Array<History | Error>): void {
    this.scripts.set(historyId, steps);
  }

  readonly fetchHistory = async (_projectId: string, historyId: string): Promise<History> => {
    this.fetches.push({ at: Date.now(), historyId });
    const steps = this.scripts.get(historyId);
    const next = steps && steps.length > 1 ? steps.shift() : steps?.[0];
    if (next === undefined) throw new SourceDeployError("not_found", `history ${historyId} not found`);
    if (next instanceof Error) throw next;
    return next;
  };

  fetchTimes(historyId?: string): number[] {
    return this.fetches.filter((f) => historyId === undefined || f.historyId === historyId).map((f) => f.at - T0);
  }
}

export function upstreamError(): SourceDeployError {
  return new SourceDeployError("unavailable", "SourceDeploy is unavailable (503)");
}

export class FakeSlack {
  readonly deliveries: Delivery[] = [];
  /** Scripted answers by channel (or "response_url"); default ok. The last entry repeats. */
  private readonly answers = new Map<string, DeliveryResult[]>();
  renderCalls = 0;

  answer(target: string, ...results: DeliveryResult[]): void {
    this.answers.set(target, results);
  }

  readonly render = (watch: Watch, h: History, state: PollState): Message => {
    this.renderCalls += 1;
    const stale = state.kind === "stale" ? ` since ${state.lastSuccessAt.getTime() - T0} (${state.reason})` : "";
    const last = watch.location.kind === "response_url" && watch.location.usesLeft === 1 ? " [last update: press Refresh]" : "";
    return { text: `#${h.id} ${h.status} ${h.targets.map((t) => t.status).join(",")} ${state.kind}${stale}${last}`, blocks: [] };
  };

  readonly deliver = async (watch: Watch, message: Message): Promise<DeliveryResult> => {
    const state = stateOf(message.text);
    this.deliveries.push({ at: Date.now() - T0, watchId: watch.id, location: watch.location, state, text: message.text });
    const target = watch.location.kind === "response_url" ? "response_url" : watch.location.channel;
    const results = this.answers.get(target);
    const result = results && results.length > 1 ? results.shift() : results?.[0];
    return result ?? { kind: "ok" };
  };

  to(channel: string): Delivery[] {
    return this.deliveries.filter((d) => d.location.kind !== "response_url" && d.location.channel === channel);
  }
}

/** The PollState kind back from the fake's text (enough for assertions). */
function stateOf(text: string): PollState {
  if (text.includes(" final")) return { kind: "final" };
  if (text.includes(" expired")) return { kind: "expired" };
  if (text.includes(" stale")) return { kind: "stale", lastSuccessAt: new Date(0), reason: "" };
  return { kind: "live" };
}

/** The watcher never reads hints, so these tests pass any object (`Watch<object>`). */
export function deps(
  upstream: FakeUpstream,
  slack: FakeSlack,
  settings: Partial<WatchSettings> = {},
): WatcherDeps<object> & { store: MemoryWatchStore<object> } {
  return {
    fetchHistory: upstream.fetchHistory,
    render: slack.render,
    deliver: slack.deliver,
    store: new MemoryWatchStore(),
    logger: silentLogger,
    settings: { ...DEFAULT_WATCH_SETTINGS, intervalMs: 1000, maxIntervalMs: 8000, ...settings },
  };
}

export function inChannel(channel: string, ts = "1.0"): MessageLocation {
  return { kind: "message", channel, ts };
}

/** What most tests watch: history `historyId` of project 1, as a message in C1 that Alice asked for. */
export function watchOf(historyId: string, overrides: Partial<WatchInput<object>> = {}): WatchInput<object> {
  return { projectId: "1", historyId, location: inChannel("C1"), hints: {}, requester: ALICE, ...overrides };
}
