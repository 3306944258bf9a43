import { describe, expect, it } from "vitest";
import {
  ACTION_PROJECT_HISTORIES_PATTERN,
  decodeProjectRef,
  type Message,
  messages,
  renderAccessDenied,
  renderAmbiguousProject,
  renderError,
  renderExternalChannelNote,
  renderHelp,
  renderHistory,
  renderHistoryList,
  renderProjectList,
  renderProjectNotFound,
  renderUsageError,
} from "../../src/render/index.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import { assertValidMessage, mrkdwnTexts, textObjects } from "../support/block-kit.js";
import { historyFixture, options, projectListFixture } from "./helpers.js";

const LOCALES = ["ko", "en"] as const;

function visible(message: Message): string {
  return [message.text, ...mrkdwnTexts(message.blocks)].join("\n");
}

function noStrayAngles(message: Message): void {
  for (const text of [message.text, ...mrkdwnTexts(message.blocks)]) {
    for (const m of text.matchAll(/</g)) expect(text.startsWith("<!date^", m.index) || text.startsWith("<http", m.index)).toBe(true);
  }
}

describe("renderHelp", () => {
  it.each(LOCALES)("lists every form of the command (%s)", (locale) => {
    const message = renderHelp(options({ locale, demo: true }));
    assertValidMessage(message);
    noStrayAngles(message);
    const text = visible(message);
    for (const example of [
      "/deploy-history 41027 903344",
      "/deploy-history &lt;history link&gt;",
      "/deploy-history shop-api`",
      "/deploy-history shop-api latest",
      "/deploy-history projects [filter]",
      "/deploy-history deploy shop-api [stage] [scenario]",
      "/deploy-history audit [project]",
      "/deploy-history help",
    ]) {
      expect(text).toContain(example);
    }
    expect(text).toContain("@deploy-history");
  });
});

describe("renderUsageError", () => {
  it.each(["unrecognized", "bad_history_id", "too_long"] as const)("echoes the input escaped and shortened (%s)", (reason) => {
    for (const locale of LOCALES) {
      const message = renderUsageError(`<!channel> ${"x".repeat(500)}`, reason, options({ locale }));
      assertValidMessage(message);
      noStrayAngles(message);
      const text = visible(message);
      expect(text).toContain("&lt;!channel&gt; xxx");
      expect(text).not.toContain("x".repeat(200));
      expect(text).toContain("/deploy-history help");
    }
  });
});

describe("renderError", () => {
  it("names the missing history", () => {
    const error = new SourceDeployError("not_found", "not found", { resource: { projectId: "41027", historyId: "903344" } });
    expect(visible(renderError(error, options()))).toContain("History 41027/903344 was not found.");
    expect(visible(renderError(error, options({ locale: "ko" })))).toContain("배포 이력을 찾을 수 없습니다: 41027/903344");
  });

  it("points at the credentials when authentication fails and says when it is slow", () => {
    expect(visible(renderError(new SourceDeployError("auth_failed", "x"), options()))).toContain("check NCP_ACCESS_KEY / NCP_SECRET_KEY");
    expect(visible(renderError(new SourceDeployError("timeout", "x"), options()))).toContain("SourceDeploy is slow right now, try again");
  });

  it.each([
    "invalid_request",
    "auth_failed",
    "permission_denied",
    "not_found",
    "rate_limited",
    "unavailable",
    "timeout",
    "aborted",
    "invalid_response",
    "slow_down",
  ] as const)("has a specific message for %s in both locales", (code) => {
    const generic = visible(renderError(new Error("boom"), options()));
    for (const locale of LOCALES) {
      const message = renderError(
        new SourceDeployError(code, "upstream said secret-ish things", { upstream: { message: "raw" } }),
        options({ locale }),
      );
      assertValidMessage(message);
      expect(visible(message)).not.toContain("secret-ish");
      if (locale === "en") expect(visible(message)).not.toBe(generic);
    }
  });

  it("finding 13: says a request cut off by a restart was interrupted and asks to try again, in both locales", () => {
    // The only cancelled call a user ever hears about is one the shutdown interrupted.
    const error = new SourceDeployError("aborted", "The SourceDeploy request for history 1/2 was cancelled");
    expect(visible(renderError(error, options()))).toContain("The app is restarting and your request was interrupted; please try again.");
    expect(visible(renderError(error, options({ locale: "ko" })))).toContain(
      "앱이 다시 시작되는 중이라 요청이 중단되었습니다. 다시 시도하세요.",
    );
  });

  it("finding 6: asks a user over their budget to slow down, saying when to try again, in both locales", () => {
    const error = new SourceDeployError("slow_down", "too many", { retryAfterMs: 12_300 });
    expect(visible(renderError(error, options()))).toContain("Slow down");
    expect(visible(renderError(error, options()))).toContain("try again in 13 seconds");
    expect(visible(renderError(error, options({ locale: "ko" })))).toContain("13초 후에 다시 시도하세요");
    const soon = new SourceDeployError("slow_down", "too many", { retryAfterMs: 200 });
    expect(visible(renderError(soon, options()))).toContain("try again in 1 second.");
  });

  it("never shows an unknown error's message or stack", () => {
    const error = new Error("ECONNRESET at /srv/app/secret.ts:12 token=xoxb-123");
    for (const value of [error, "a string", undefined, { code: "not_found" }]) {
      const message = renderError(value, options());
      assertValidMessage(message);
      expect(visible(message)).toContain("Sorry, something went wrong.");
      expect(visible(message)).not.toMatch(/ECONNRESET|xoxb|secret\.ts/);
    }
  });

  it("escapes ids echoed from the error", () => {
    const message = renderError(new SourceDeployError("not_found", "x", { resource: { projectId: "<!here>" } }), options());
    noStrayAngles(message);
    expect(visible(message)).toContain("Project &lt;!here&gt; was not found.");
  });
});

describe("renderProjectList", () => {
  it.each(LOCALES)("lists projects with ids and a button each (%s)", (locale) => {
    const message = renderProjectList(projectListFixture(), "shop", options({ locale, demo: true }));
    assertValidMessage(message);
    const text = visible(message);
    expect(text).toContain("*shop-api* · ");
    expect(text).toContain("`41027`");
    const values = message.blocks.flatMap((b) => (b.type === "section" && b.accessory ? [b.accessory] : []));
    expect(values.every((b) => ACTION_PROJECT_HISTORIES_PATTERN.test(b.action_id))).toBe(true);
    expect(values.map((b) => decodeProjectRef(b.value ?? ""))).toEqual(["41027", "41100", "41152"]);
  });

  it("is friendly when empty, echoing the filter escaped", () => {
    const message = renderProjectList([], "<x>", options());
    assertValidMessage(message);
    expect(visible(message)).toContain("No projects match “&lt;x&gt;”.");
  });

  it("fits hundreds of projects and counts the rest", () => {
    const projects = Array.from({ length: 300 }, (_, i) => ({ id: String(i), name: `p-${i}-${"&".repeat(100)}` }));
    const message = renderProjectList(projects, undefined, options());
    assertValidMessage(message);
    const shown = message.blocks.filter((b) => b.type === "section" && b.accessory).length;
    expect(visible(message)).toContain(`…and ${300 - shown} more.`);
  });
});

describe("project refusals", () => {
  it("says a project was not found, escaped", () => {
    const message = renderProjectNotFound("<!channel>", options());
    assertValidMessage(message);
    noStrayAngles(message);
    expect(visible(message)).toContain("No project named “&lt;!channel&gt;”");
  });

  it("lists ambiguous candidates with their ids", () => {
    const message = renderAmbiguousProject("shop", projectListFixture().slice(0, 2), options({ locale: "ko" }));
    assertValidMessage(message);
    const text = visible(message);
    expect(text).toContain("일치하는 프로젝트가 2개 있습니다: “shop”");
    expect(text).toContain("`41027`");
    expect(text).toContain("`41100`");
  });

  it.each(LOCALES)("explains a mention left unanswered in an externally shared channel (%s)", (locale) => {
    const message = renderExternalChannelNote(options({ locale }));
    assertValidMessage(message);
    expect(visible(message)).toContain(messages(locale).externalChannelNote);
    expect(visible(message)).toContain("/deploy-history");
  });

  it.each(LOCALES)("denies access politely without saying whether it exists (%s)", (locale) => {
    const message = renderAccessDenied(options({ locale, demo: true }));
    assertValidMessage(message);
    expect(visible(message)).not.toMatch(/not found|exist|찾을 수 없|존재/i);
  });
});

describe("finding 10: every message neutralises hostile names, not only histories", () => {
  const HOSTILE = "\u202Eexe.txt\u200B *bold* _it_ ~s~ `code` https://evil.example @here #general";
  const project = { id: "41027", name: `> ${HOSTILE}` };
  const summary = { id: "1", project, stage: { id: "", name: HOSTILE }, scenario: { id: "", name: "\u200B\u2066" }, status: "success" };
  const rendered: Array<[string, Message]> = [
    ["history list", renderHistoryList(project, [summary], options())],
    ["project list", renderProjectList([project, { id: "2", name: "\u200B" }], HOSTILE, options())],
    ["not found", renderProjectNotFound(HOSTILE, options())],
    ["ambiguous", renderAmbiguousProject(HOSTILE, [project], options())],
    ["usage", renderUsageError(HOSTILE, "unrecognized", options())],
    ["error", renderError(new SourceDeployError("not_found", "x", { resource: { projectId: HOSTILE } }), options())],
  ];

  it.each(rendered)("finding 10: the %s has verbatim mrkdwn, no invisible character, no markup or quote from data", (_, message) => {
    assertValidMessage(message);
    const objects = textObjects(message.blocks);
    for (const object of objects) {
      expect(object.text).not.toMatch(/[\p{Cf}]/u);
      if (object.type === "mrkdwn") expect(object).toMatchObject({ verbatim: true });
    }
    const text = visible(message);
    expect(text).not.toMatch(/[\p{Cf}]/u);
    for (const markup of ["*bold*", "_it_", "~s~", "`code`"]) expect(text).not.toContain(markup);
    expect(text.split("\n").some((line) => /^\s*(>|&gt;)/.test(line))).toBe(false);
  });

  it("finding 10: a name of only invisible characters shows as unnamed", () => {
    const text = visible(renderHistoryList(project, [summary], options()));
    expect(text).toContain("(no name)");
    const history = { ...historyFixture("server-fail.json"), project: { id: "41027", name: "\u200B\u202E" } };
    expect(visible(renderHistory(history, options()))).toContain("(no name)");
  });
});
