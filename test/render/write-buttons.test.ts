/** Decision and command buttons: only where the status allows them, each behind a confirm naming what it acts on. */
import { describe, expect, it } from "vitest";
import { type Button, decodeHistoryRef, type Message, renderHistory, renderUnfurl, writeActionOf } from "../../src/render/index.js";
import type { History } from "../../src/sourcedeploy/model.js";
import { parseHistory } from "../../src/sourcedeploy/schemas.js";
import { assertValidMessage } from "../support/block-kit.js";
import { readFixture } from "../support/fixtures.js";
import { historyFixture, options } from "./helpers.js";

const pending = (): History => parseHistory(readFixture("server-pending-approval.wrapped.json"));
const canary = (): History => parseHistory(readFixture("k8s-canary-pending.json"));

function buttons(message: Message): Button[] {
  return message.blocks.flatMap((b) => (b.type === "actions" ? b.elements : []));
}

function writes(message: Message): Button[] {
  return buttons(message).filter((b) => writeActionOf(b.action_id) !== undefined);
}

describe("write buttons", () => {
  it.each([
    ["awaiting approval", pending, ["approve", "reject"]],
    ["a canary awaiting a decision", canary, ["promote", "abort"]],
    ["running", () => historyFixture("server-inprogress.wrapped.json"), ["cancel"]],
    ["canary analyzing", () => historyFixture("k8s-canary.json"), ["cancel"]],
    ["finished", () => historyFixture("server-fail.json"), []],
  ] as const)("offers what SourceDeploy allows when %s", (_, history, expected) => {
    for (const render of [renderHistory, renderUnfurl]) {
      const message = render(history(), options({ writeButtons: true }));
      assertValidMessage(message);
      expect(writes(message).map((b) => writeActionOf(b.action_id))).toEqual(expected);
    }
  });

  it("offers none unless the app may write at all", () => {
    expect(writes(renderHistory(pending(), options()))).toEqual([]);
    expect(writes(renderUnfurl(pending(), options()))).toEqual([]);
  });

  it("puts a confirm on every write button that names the project, stage, scenario, history and verb", () => {
    for (const locale of ["en", "ko"] as const) {
      for (const history of [pending(), canary(), historyFixture("server-inprogress.wrapped.json")]) {
        for (const button of writes(renderHistory(history, options({ locale, writeButtons: true })))) {
          const confirm = button.confirm;
          expect(confirm).toBeDefined();
          expect(confirm?.text.text).toContain(`${history.project.name} › ${history.stage.name}`);
          expect(confirm?.text.text).toContain(history.scenario.name);
          expect(confirm?.text.text).toContain(`#${history.id}`);
          expect(confirm?.title.text.length).toBeGreaterThan(0);
          expect(decodeHistoryRef(button.value ?? "")).toEqual({ projectId: history.project.id, historyId: history.id });
        }
      }
    }
    const [approve, reject] = writes(renderHistory(pending(), options({ locale: "ko", writeButtons: true })));
    expect([approve?.text.text, approve?.style, approve?.confirm?.title.text]).toEqual(["승인", "primary", "이 배포를 승인할까요?"]);
    expect([reject?.text.text, reject?.style, reject?.confirm?.style]).toEqual(["승인 거절", "danger", "danger"]);
  });

  it("writes data into the confirm as plain text, never as markup", () => {
    const history = { ...pending(), project: { id: "41027", name: "<!channel> *x*" } };
    const [approve] = writes(renderHistory(history, options({ writeButtons: true })));
    expect(approve?.confirm?.text.type).toBe("plain_text");
    expect(approve?.confirm?.text.text).toContain("<!channel> *x*");
  });
});
