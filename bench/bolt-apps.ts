/**
 * The bare Bolt baseline (bench/bare-bolt-main.ts) as a child process. The entry is transpiled
 * here and run with plain `node --input-type=module -e` from the repo root, so it starts without a
 * TypeScript loader exactly like the built app; `@slack/bolt` resolves from the repo's node_modules.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from "../test/e2e/harness.js";
import { spawnServer, type Fakes, type Server } from "./lib.js";

const ENTRY = new URL("./bare-bolt-main.ts", import.meta.url);

let compiled: string | undefined;

/** bare-bolt-main.ts as ES module JavaScript (types stripped; nothing else changes). */
export function bareBoltJs(): string {
  compiled ??= ts.transpileModule(readFileSync(ENTRY, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
  return compiled;
}

/** The bare Bolt app, with the real app's signing secret and bot token, checked against the fake Slack. */
export function startBareBolt(fakes: Fakes): Promise<Server> {
  return spawnServer(["--input-type=module", "-e", bareBoltJs()], {
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_API_URL: `${fakes.slack.apiUrl}/`,
  });
}
