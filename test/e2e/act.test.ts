/**
 * Acting from Slack (issue 14) through the real app: write buttons checked on every click against
 * the access policy, the history's status and a claim, one POST to the fake SourceDeploy, a reply in
 * the thread, the refreshed message, and the audit trail.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../fakes/slack-fake.js";
import { readFixture } from "../support/fixtures.js";
import { blockActionBody, DEFAULTS, type Stack, slashCommandBody, startStack } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "act-"));
const POLICY = [
  "default: allow",
  "rules:",
  "  - users: [U0ALICE]",
  "    projects: [41027, 41100]",
  "    can: [approve, cancel, deploy]",
  "  - groups: [S0OPS]",
  '    projects: ["catalog-*"]',
  "    can: [approve]",
  "  - channels: [C0DEPLOYS]",
  "    projects: [41027]",
  "    can: [approve, cancel]",
].join("\n");

let counter = 0;
let nextHistory = 905000;

/** A fresh copy of a fixture history under a new id, so each test starts from its own state. */
function freshHistory(stack: Stack, fixture: string, status?: string): { projectId: string; historyId: string } {
  const body = readFixture<Record<string, unknown>>(fixture);
  const history = (body.result ?? body) as Record<string, unknown> & { project: { id: number } };
  const historyId = String(++nextHistory);
  history.id = Number(historyId);
  if (status !== undefined) history.status = status;
  stack.sourceDeploy.setHistory(history.project.id, historyId, body);
  return { projectId: String(history.project.id), historyId };
}

async function command(stack: Stack, text: string, who: { userId?: string; channelId?: string } = {}) {
  const id = `cmd-${++counter}`;
  await stack.app.handled(() => stack.app.postSigned(slashCommandBody({ text, responseUrl: stack.slack.responseUrl(id), ...who })));
  const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
  return post!.body as { text: string; blocks: Array<Record<string, unknown>> };
}

interface Click {
  responses: RecordedCall[];
  thread: RecordedCall[];
  text: string;
}

type Who = { userId?: string; channelId?: string };

/** Clicks write buttons at once on bot messages in #C0DEPLOYS; returns what reached Slack for each. */
async function clicks(stack: Stack, ...sent: Array<[actionId: string, value: string, who?: Who]>): Promise<Click[]> {
  const before = stack.slack.calls("chat.postMessage").length;
  const targets = sent.map(([actionId, value, who]) => {
    const id = `click-${++counter}`;
    const messageTs = `1700001${String(counter).padStart(3, "0")}.000100`;
    return { id, messageTs, body: blockActionBody({ actionId, value, responseUrl: stack.slack.responseUrl(id), messageTs, ...who }) };
  });
  await stack.app.handled(() => Promise.all(targets.map((t) => stack.app.postSigned(t.body))), targets.length);
  return targets.map(({ id, messageTs }) => {
    const responses = stack.slack.calls("response_url").filter((c) => c.id === id);
    const thread = stack.slack
      .calls("chat.postMessage")
      .slice(before)
      .filter((c) => c.body.thread_ts === messageTs);
    const text = [...responses.map((r) => JSON.stringify(r.body)), ...thread.map((t) => String(t.body.text))].join("\n");
    return { responses, thread, text };
  });
}

async function click(stack: Stack, actionId: string, value: string, who: Who = {}): Promise<Click> {
  const [result] = await clicks(stack, [actionId, value, who]);
  return result!;
}

/** A `view_submission` of the start-a-deployment modal, form-encoded like Slack sends it. */
function deploySubmissionBody(o: { viewId: string; metadata: string; choice?: string; confirmed?: boolean; userId?: string }): string {
  const payload = {
    type: "view_submission",
    team: { id: "T0TEST", domain: "test-team" },
    user: { id: o.userId ?? "U0ALICE", username: "alice", name: "alice", team_id: "T0TEST" },
    api_app_id: "A0DEPLOYHIST",
    token: "deprecated-verification-token",
    trigger_id: `${o.viewId}.trigger`,
    view: {
      id: o.viewId,
      team_id: "T0TEST",
      type: "modal",
      callback_id: "deploy_start",
      private_metadata: o.metadata,
      hash: "1700000000.abcdef",
      blocks: [],
      state: {
        values: {
          deploy_scenario: {
            deploy_scenario_select: {
              type: "static_select",
              selected_option: o.choice ? { text: { type: "plain_text", text: "x" }, value: o.choice } : null,
            },
          },
          deploy_confirm: {
            deploy_confirm_check: {
              type: "checkboxes",
              selected_options: o.confirmed === false ? [] : [{ text: { type: "plain_text", text: "x" }, value: "confirmed" }],
            },
          },
        },
      },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const writesTo = (stack: Stack, historyId: string) =>
  stack.sourceDeploy.requests.filter((r) => r.method === "POST" && r.path.includes(`/${historyId}/`));

describe("write buttons, with an access policy", () => {
  let stack: Stack;
  beforeAll(async () => {
    const path = join(dir, "policy.yml");
    writeFileSync(path, POLICY);
    stack = await startStack({ env: { ACCESS_POLICY: path } });
    stack.slack.respondWith("usergroups.users.list", (call) => ({ users: call.body.usergroup === "S0OPS" ? ["U0DAVE"] : [] }));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows each write button behind a confirm dialog naming project, stage, history and verb", async () => {
    const cases = [
      ["server-pending-approval.wrapped.json", ["history_approve", "history_reject"]],
      ["k8s-canary-pending.json", ["history_promote", "history_abort"]],
      ["server-inprogress.wrapped.json", ["history_cancel"]],
    ] as const;
    for (const [fixture, expected] of cases) {
      const ref = freshHistory(stack, fixture);
      const reply = await command(stack, `${ref.projectId} ${ref.historyId}`);
      const buttons = reply.blocks
        .flatMap((b) => (b.type === "actions" ? (b.elements as Array<Record<string, unknown>>) : []))
        .filter((e) => String(e.action_id).match(/^history_(approve|reject|promote|abort|cancel)$/));
      expect(buttons.map((b) => b.action_id)).toEqual(expected);
      for (const button of buttons) {
        const confirm = button.confirm as { title: { text: string }; text: { text: string } };
        expect(confirm.text.text).toContain(ref.historyId);
        expect(confirm.text.text).toMatch(/shop-api|catalog-svc/);
        expect(confirm.title.text).toMatch(/Approve|Reject|Promote|Abort|Cancel/);
      }
    }
  });

  it("approves once for a listed user: one POST, a thread reply, the refreshed message, an audit row", async () => {
    const ref = freshHistory(stack, "server-pending-approval.wrapped.json");
    const result = await click(stack, "history_approve", `${ref.projectId}:${ref.historyId}`);
    expect(stack.sourceDeploy.writes.filter((w) => w.historyId === ref.historyId)).toEqual([
      expect.objectContaining({ path: `/project/41027/history/${ref.historyId}/approval/accept`, from: "pending", to: "inprogress" }),
    ]);
    expect(result.thread.map((t) => t.body.text)).toEqual(["✅ Done — approve: <@U0ALICE>"]);
    const refreshed = result.responses.find((r) => r.body.replace_original === true);
    expect(JSON.stringify(refreshed?.body)).toContain("history_cancel"); // now running: Cancel replaces Approve
    const line = await stack.app.waitForLog((l) => l.event === "write" && l.history === ref.historyId);
    expect(line).toMatchObject({ actor: "U0ALICE", team: "T0TEST", channel: "C0DEPLOYS", verb: "approve", outcome: "done" });
    const audit = await command(stack, "audit 41027");
    expect(JSON.stringify(audit.blocks)).toContain(`#${ref.historyId}`);
  });

  it("sends one POST for a double click; the second click is told who did it and when", async () => {
    const ref = freshHistory(stack, "server-pending-approval.wrapped.json");
    const value = `${ref.projectId}:${ref.historyId}`;
    const [first, second] = await clicks(stack, ["history_approve", value], ["history_reject", value]);
    if (!first || !second) throw new Error("two clicks");
    expect(writesTo(stack, ref.historyId)).toHaveLength(1);
    const [done, other] = first.thread.length > 0 ? [first, second] : [second, first];
    expect(done.thread).toHaveLength(1);
    expect(other.thread).toHaveLength(0);
    expect(other.text).toMatch(/Nothing was sent again: <@U0ALICE> already acted on this decision|no longer possible/);
    const third = await click(stack, "history_approve", value);
    expect(third.text).toContain("Nothing was sent again: <@U0ALICE> already acted on this decision (<!date^");
    expect(writesTo(stack, ref.historyId)).toHaveLength(1);
  });

  it("refuses a user no rule names, and one only a channel rule covers, without a POST and with a log line", async () => {
    const ref = freshHistory(stack, "server-pending-approval.wrapped.json");
    const value = `${ref.projectId}:${ref.historyId}`;
    for (const userId of ["U0MALLORY", "U0BOB"]) {
      const result = await click(stack, "history_approve", value, { userId });
      expect(result.text).toContain("No rule of the access policy grants `approve` to you or your Slack user groups for this project");
      expect(result.thread).toHaveLength(0);
      await stack.app.waitForLog((l) => l.event === "write" && l.actor === userId && l.outcome === "denied");
    }
    expect(writesTo(stack, ref.historyId)).toHaveLength(0);
  });

  it("lets a member of a listed user group promote a canary; cancel is not granted to the group", async () => {
    const ref = freshHistory(stack, "k8s-canary-pending.json");
    const result = await click(stack, "history_promote", `${ref.projectId}:${ref.historyId}`, { userId: "U0DAVE", channelId: "C0OTHER" });
    expect(result.thread.map((t) => t.body.text)).toEqual(["✅ Done — promote the canary: <@U0DAVE>"]);
    expect(stack.sourceDeploy.writes.filter((w) => w.historyId === ref.historyId).map((w) => w.to)).toEqual(["inprogress"]);
    const cancel = await click(stack, "history_cancel", `${ref.projectId}:${ref.historyId}`, { userId: "U0DAVE", channelId: "C0OTHER" });
    expect(cancel.text).toContain("grants `cancel`");
  });

  it("upstream 409 or 400: a clear message, the refreshed message, no retry", async () => {
    for (const status of [409, 400]) {
      const ref = freshHistory(stack, "server-inprogress.wrapped.json");
      stack.sourceDeploy.queueFault({
        kind: "status",
        status,
        body: { error: { errorCode: String(status), message: "Conflict", details: "moved on" } },
        path: new RegExp(`/${ref.historyId}/cancel$`),
      });
      const result = await click(stack, "history_cancel", `${ref.projectId}:${ref.historyId}`);
      expect(result.text).toContain("SourceDeploy declined: the deployment has moved on");
      expect(result.thread.map((t) => t.body.text)).toEqual([expect.stringContaining("⚠️ SourceDeploy declined — cancel: <@U0ALICE>")]);
      expect(result.responses.some((r) => r.body.replace_original === true)).toBe(true);
      expect(writesTo(stack, ref.historyId)).toHaveLength(1);
      await stack.app.waitForLog(
        (l) => l.event === "write" && l.history === ref.historyId && l.outcome === "refused" && l.errorCode === "refused",
      );
    }
  });

  it("a timeout is never retried and reads as an unknown outcome: check the console", async () => {
    const ref = freshHistory(stack, "server-inprogress.wrapped.json");
    stack.sourceDeploy.queueFault({ kind: "delay", ms: 4500, path: new RegExp(`/${ref.historyId}/cancel$`) });
    const result = await click(stack, "history_cancel", `${ref.projectId}:${ref.historyId}`);
    expect(result.text).toContain("it is not known whether that happened. Check the deployment in the SourceDeploy console");
    expect(result.thread.map((t) => t.body.text)).toEqual([expect.stringContaining("❓ No answer from SourceDeploy — cancel: <@U0ALICE>")]);
    expect(writesTo(stack, ref.historyId)).toHaveLength(1);
  });

  it("refuses a forged payload naming a project the user may not act on, or a verb the status does not allow", async () => {
    const other = await click(stack, "history_approve", "41152:904388");
    expect(other.text).toContain("grants `approve`");
    const failed = await click(stack, "history_approve", "41027:903344");
    expect(failed.text).toContain("Nothing was done: the deployment is now");
    const junk = await click(stack, "history_cancel", "41027:../../x");
    expect(junk.text).toContain("can't view that deployment history here");
    await stack.app.waitForLog((l) => l.event === "write" && l.outcome === "denied" && l.denial === "unreadable");
    expect(stack.sourceDeploy.requests.filter((r) => r.method === "POST" && /\/(904388|903344)\//.test(r.path))).toHaveLength(0);
  });
});

describe("starting a deployment and the audit list", () => {
  let stack: Stack;
  beforeAll(async () => {
    const path = join(dir, "deploy-policy.yml");
    writeFileSync(path, POLICY.replace("default: allow", "default: deny"));
    stack = await startStack({ env: { ACCESS_POLICY: path } });
    stack.slack.respondWith("usergroups.users.list", () => ({ users: [] }));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("opens a modal with the stages and their scenarios from the API, the command's choice preselected, and a confirm", async () => {
    await stack.app.handled(() =>
      stack.app.postSigned(
        slashCommandBody({ text: "deploy shop-api prod-web web-hotfix", responseUrl: stack.slack.responseUrl("deploy-1") }),
      ),
    );
    const [open] = await stack.slack.waitFor("views.open");
    expect(open!.body.trigger_id).toBe(DEFAULTS.triggerId);
    const view = open!.body.view as { callback_id: string; private_metadata: string; blocks: Array<Record<string, unknown>> };
    expect(view.callback_id).toBe("deploy_start");
    expect(JSON.parse(view.private_metadata)).toEqual({ projectId: "41027", channelId: "C0DEPLOYS" });
    const select = view.blocks.find((b) => b.block_id === "deploy_scenario")?.element as {
      option_groups: Array<{ label: { text: string }; options: Array<{ value: string }> }>;
      initial_option?: { value: string };
    };
    expect(select.option_groups.map((g) => g.label.text)).toEqual(["prod-web"]);
    expect(select.option_groups[0]?.options.map((o) => o.value)).toEqual(["5183:7712", "5183:7713"]);
    expect(select.initial_option?.value).toBe("5183:7713");
    expect(view.blocks.some((b) => b.block_id === "deploy_confirm")).toBe(true);
  });

  it("refuses to open the modal for a user no rule lets deploy, naming no other project", async () => {
    stack.slack.reset();
    const reply = await command(stack, "deploy shop-api", { userId: "U0BOB" });
    expect(reply.text).toContain("grants `deploy`");
    expect(stack.slack.calls("views.open")).toHaveLength(0);
  });

  it("submit → one POST (also when Slack sends it twice) → a channel message for the new history, followed live", async () => {
    stack.slack.reset();
    const metadata = JSON.stringify({ projectId: "41027", channelId: "C0DEPLOYS" });
    const body = deploySubmissionBody({ viewId: "V0DEPLOY1", metadata, choice: "5183:7712" });
    await stack.app.handled(() => stack.app.postSigned(body));
    await stack.app.handled(() => stack.app.postSigned(deploySubmissionBody({ viewId: "V0DEPLOY1", metadata, choice: "5183:7712" })));
    const deploys = stack.sourceDeploy.writes.filter((w) => w.path.endsWith("/deploy"));
    expect(deploys).toEqual([expect.objectContaining({ path: "/project/41027/stage/5183/scenario/7712/deploy" })]);
    const [post] = await stack.slack.waitFor((c) => c.method === "chat.postMessage" && c.body.channel === "C0DEPLOYS");
    expect(JSON.stringify(post!.body)).toContain(`#${deploys[0]!.historyId}`);
    expect(JSON.stringify(post!.body)).toContain("Started from Slack by <@U0ALICE>");
    await stack.app.waitForLog((l) => l.event === "write" && l.verb === "deploy" && l.outcome === "done");
  });

  it("posts nothing in a channel shared with another organisation; the submitter alone hears the deployment started", async () => {
    stack.slack.reset();
    stack.slack.respondWith("conversations.info", (call) => ({
      channel: { id: call.body.channel, is_member: true, is_ext_shared: call.body.channel === "C0PARTNER" },
    }));
    const metadata = JSON.stringify({ projectId: "41027", channelId: "C0PARTNER" });
    await stack.app.handled(() => stack.app.postSigned(deploySubmissionBody({ viewId: "V0DEPLOYEXT", metadata, choice: "5183:7712" })));
    const [note] = await stack.slack.waitFor((c) => c.method === "chat.postEphemeral" && c.body.channel === "C0PARTNER");
    expect(JSON.stringify(note!.body)).toContain("Started from Slack by <@U0ALICE>");
    expect(stack.slack.calls("chat.postMessage").filter((c) => c.body.channel === "C0PARTNER")).toEqual([]);
  });

  it("refuses a forged submission: another project in the metadata, or a scenario of another stage", async () => {
    stack.slack.reset();
    const before = stack.sourceDeploy.writes.length;
    const forged = JSON.stringify({ projectId: "41152", channelId: "C0DEPLOYS" });
    await stack.app.handled(() =>
      stack.app.postSigned(deploySubmissionBody({ viewId: "V0FORGED1", metadata: forged, choice: "5183:7712" })),
    );
    const own = JSON.stringify({ projectId: "41027", channelId: "C0DEPLOYS" });
    await stack.app.handled(() => stack.app.postSigned(deploySubmissionBody({ viewId: "V0FORGED2", metadata: own, choice: "5183:9999" })));
    expect(stack.sourceDeploy.writes.length).toBe(before);
    const notes = stack.slack.calls("chat.postEphemeral").map((c) => String(c.body.text));
    expect(notes).toEqual([expect.stringContaining("grants `deploy`"), expect.stringContaining("Choose again")]);
  });

  it("audit lists the asker's visible actions only, newest first", async () => {
    const alice = await command(stack, "audit");
    expect(JSON.stringify(alice.blocks)).toContain("deploy");
    expect(JSON.stringify(alice.blocks)).toContain("shop-api");
    // Bob sees only what the policy lets him view: 41027 by the channel rule in C0DEPLOYS, nothing elsewhere.
    const bobElsewhere = await command(stack, "audit", { userId: "U0BOB", channelId: "C0OTHER" });
    expect(JSON.stringify(bobElsewhere.blocks)).not.toContain("shop-api");
  });
});

describe("write buttons without a policy file", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows no write buttons, and a forged click is refused: nobody may write", async () => {
    const reply = await command(stack, "41027 904700");
    expect(JSON.stringify(reply.blocks)).not.toContain("history_approve");
    const result = await click(stack, "history_approve", "41027:904700");
    expect(result.text).toContain("grants `approve`");
    expect(stack.sourceDeploy.writes).toHaveLength(0);
  });
});
