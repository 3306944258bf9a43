/**
 * The plain Bolt apps the benchmarks compare the real app with, each a child process:
 * - bare Bolt (bench/bare-bolt-main.ts): only acks, the floor;
 * - the hand-written peer (bench/hand-written-bolt-main.ts): ack, fetch from SourceDeploy, a simple
 *   render and `respond()`, the app a team would write without this project.
 * Each entry is transpiled here and run with plain `node --input-type=module -e` from the repo root,
 * so it starts without a TypeScript loader exactly like the built app; its packages resolve from the
 * repo's node_modules.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from "../test/e2e/harness.js";
import { type Fakes, type Server, spawnServer } from "./lib.js";

const BARE_ENTRY = new URL("./bare-bolt-main.ts", import.meta.url);
const PEER_ENTRY = new URL("./hand-written-bolt-main.ts", import.meta.url);

const compiled = new Map<string, string>();

/** A TypeScript entry as ES module JavaScript (types stripped; nothing else changes). */
function moduleJs(entry: URL): string {
  let js = compiled.get(entry.href);
  if (js === undefined) {
    js = ts.transpileModule(readFileSync(entry, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    }).outputText;
    compiled.set(entry.href, js);
  }
  return js;
}

function slackEnv(fakes: Fakes): Record<string, string> {
  return { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_URL: `${fakes.slack.apiUrl}/` };
}

/** The bare Bolt app, with the real app's signing secret and bot token, checked against the fake Slack. */
export function startBareBolt(fakes: Fakes, nodeOptions: readonly string[] = []): Promise<Server> {
  return spawnServer([...nodeOptions, "--input-type=module", "-e", moduleJs(BARE_ENTRY)], slackEnv(fakes));
}

/** The hand-written peer, with the real app's Slack settings and the fake SourceDeploy's URL and keys. */
export function startHandWrittenBolt(fakes: Fakes, nodeOptions: readonly string[] = []): Promise<Server> {
  const { url, accessKey, secretKey } = fakes.sourceDeploy;
  return spawnServer([...nodeOptions, "--input-type=module", "-e", moduleJs(PEER_ENTRY)], {
    ...slackEnv(fakes),
    SOURCEDEPLOY_API_URL: url,
    NCP_ACCESS_KEY: accessKey,
    NCP_SECRET_KEY: secretKey,
  });
}
