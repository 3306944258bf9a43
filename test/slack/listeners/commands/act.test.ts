/** `/deploy-history audit` when the audit trail cannot be read: a clear answer, never silence. */
import { describe, expect, it } from "vitest";
import type { ProjectAccess } from "../../../../src/answer.js";
import { silentLogger } from "../../../../src/log.js";
import { messages } from "../../../../src/render/index.js";
import type { ListenerContext } from "../../../../src/slack/context.js";
import { answerAudit } from "../../../../src/slack/listeners/commands/act.js";
import type { SlashCommandArgs } from "../../../../src/slack/listeners/commands/args.js";
import { MemoryStateStore } from "../../../../src/state/memory.js";

describe("audit command", () => {
  it("answers with a friendly error when the state store cannot list the audit trail", async () => {
    const state = new MemoryStateStore();
    state.listAudit = () => Promise.reject(new Error("SQLITE_IOERR: disk I/O error"));
    const replies: Array<{ text?: string }> = [];
    const ctx = {
      act: { state },
      logger: silentLogger,
      render: () => ({ locale: "en", timeZone: "UTC", now: new Date(), consoleUrlTemplate: "https://x" }),
    } as unknown as ListenerContext;
    const args = { respond: async (message: { text?: string }) => void replies.push(message) } as unknown as SlashCommandArgs;
    const access: ProjectAccess = { asker: { userId: "U1" }, decide: () => "allow", restricted: false };
    await answerAudit(ctx, args, { kind: "audit" }, access);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(messages("en").error.generic);
    expect(JSON.stringify(replies)).not.toContain("SQLITE_IOERR");
  });
});
