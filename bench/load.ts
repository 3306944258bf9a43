/**
 * A closed-loop load generator for `/deploy-history`: each of N connections sends a signed slash
 * command, waits for its ack and (unless only acks are measured) for its answer to reach the fake
 * Slack's response_url receiver, then sends the next. Every command has its own response_url, so an
 * answer is matched to its command and timed from the request to the response_url post.
 * Bounded by time and by count; loopback only (the servers and fakes listen on 127.0.0.1).
 */
import { readFileSync } from "node:fs";
import { Pool } from "undici";
import { nowSeconds, signSlackRequest, slashCommandBody, TEST_SIGNING_SECRET } from "../test/e2e/harness.js";
import type { FakeSlack, RecordedCall } from "../test/fakes/slack-fake.js";
import type { Server } from "./lib.js";

export interface LoadOptions {
  server: Server;
  slack: FakeSlack;
  connections: number;
  seconds: number;
  /** The command text of the n-th command (n counts from 0 within the run). */
  text: (n: number) => string;
  /** "ack": a command is done when acked (bare Bolt); "answer": when its response_url post arrived. */
  until: "ack" | "answer";
  /** An answer that does not pass counts as a failure (e.g. an error message instead of the history). */
  isAnswer?: (call: RecordedCall, text: string) => boolean;
  /** The request body for `text` answered at `responseUrl`: a slash command by default. */
  body?: (text: string, responseUrl: string) => string;
}

export interface LoadResult {
  commands: number;
  /** Commands done: acked ("ack") or answered on their response_url ("answer"). */
  done: number;
  /** Non-200 acks, connection errors, answers that did not arrive in time or failed `isAnswer`. */
  failures: number;
  /** Request → ack, ms, one per acked command. */
  ackMs: number[];
  /** Request → response_url post received, ms, one per answered command ("answer" runs only). */
  answerMs: number[];
  elapsedMs: number;
  /** CPU time (user + system) of the server process during the run. */
  serverCpuMs: number;
  /** CPU time of this process (load generator and fakes) during the run. */
  benchCpuMs: number;
}

/** Most commands one run may send, whatever its length. */
export const MAX_COMMANDS_PER_RUN = 200_000;
const ANSWER_TIMEOUT_MS = 10_000;
const CLOCK_TICKS_PER_SECOND = 100;

let runCounter = 0;

/** user + system CPU time of a process, from /proc/<pid>/stat (Linux), in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat (utime, stime); the slice above starts at field 3.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

interface Expected {
  /** The answer and when it arrived; undefined after the timeout or cancel(). */
  answered: Promise<{ call: RecordedCall; at: number } | undefined>;
  cancel(): void;
}

/** Matches response_url posts to the commands waiting for them, by response_url id. */
function answerWaiters(slack: FakeSlack): { expect(id: string): Expected; stop(): void } {
  const waiting = new Map<string, (call: RecordedCall | undefined) => void>();
  const stop = slack.onCall((call) => {
    if (call.method === "response_url" && call.id !== undefined) waiting.get(call.id)?.(call);
  });
  const expect = (id: string): Expected => {
    let settle: (call: RecordedCall | undefined) => void = () => {};
    const answered = new Promise<{ call: RecordedCall; at: number } | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), ANSWER_TIMEOUT_MS);
      settle = (call) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(call ? { call, at: performance.now() } : undefined);
      };
      waiting.set(id, settle);
    });
    return { answered, cancel: () => settle(undefined) };
  };
  return { expect, stop };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { server, slack, connections, until } = options;
  const run = `r${++runCounter}`;
  const pool = new Pool(server.url, { connections, pipelining: 1 });
  const waiters = answerWaiters(slack);
  const timestamp = nowSeconds();
  const result: LoadResult = { commands: 0, done: 0, failures: 0, ackMs: [], answerMs: [], elapsedMs: 0, serverCpuMs: 0, benchCpuMs: 0 };
  const serverCpuBefore = processCpuMs(server.pid);
  const benchCpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;

  const one = async (n: number): Promise<void> => {
    const id = `${run}-${n}`;
    const text = options.text(n);
    const body = options.body ? options.body(text, slack.responseUrl(id)) : slashCommandBody({ text, responseUrl: slack.responseUrl(id) });
    const answer = until === "answer" ? waiters.expect(id) : undefined;
    const sent = performance.now();
    try {
      const res = await pool.request({
        path: "/slack/events",
        method: "POST",
        headers: signSlackRequest(body, TEST_SIGNING_SECRET, timestamp),
        body,
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`ack HTTP ${res.statusCode}`);
      result.ackMs.push(performance.now() - sent);
    } catch {
      answer?.cancel();
      result.failures += 1;
      return;
    }
    if (!answer) {
      result.done += 1;
      return;
    }
    const answered = await answer.answered;
    if (!answered || (options.isAnswer && !options.isAnswer(answered.call, text))) {
      result.failures += 1;
      return;
    }
    result.answerMs.push(answered.at - sent);
    result.done += 1;
  };

  const connection = async (): Promise<void> => {
    while (performance.now() < deadline && result.commands < MAX_COMMANDS_PER_RUN) await one(result.commands++);
  };
  try {
    await Promise.all(Array.from({ length: connections }, connection));
  } finally {
    result.elapsedMs = performance.now() - started;
    result.serverCpuMs = processCpuMs(server.pid) - serverCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    result.benchCpuMs = (benchCpu.user + benchCpu.system) / 1000;
    waiters.stop();
    await pool.close();
  }
  return result;
}
