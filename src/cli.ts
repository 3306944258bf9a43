#!/usr/bin/env node
/**
 * `deploy-history render [file]` — a SourceDeploy history body (file or stdin, flat or wrapped) →
 * the Slack message `{text, blocks}` as JSON. `deploy-history preview <projectId> <historyId>` —
 * the same from the live API (or demo data), plus a Block Kit Builder link on stderr.
 * Bad input: exit code 2 and one line on stderr, nothing on stdout.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, LOCALES, type Locale, loadConfig } from "./config.js";
import { silentLogger } from "./log.js";
import { type RenderOptions, renderHistory, renderUnfurl } from "./render/index.js";
import { isSourceDeployError } from "./sourcedeploy/errors.js";
import { createSourceDeploy } from "./sourcedeploy/index.js";
import type { History } from "./sourcedeploy/model.js";
import { parseHistory } from "./sourcedeploy/schemas.js";

const USAGE = `usage:
  deploy-history render [file] [--unfurl] [--locale ko|en] [--now <epoch ms>]
  deploy-history preview <projectId> <historyId> [--unfurl] [--locale ko|en] [--now <epoch ms>]`;

class UsageError extends Error {}

interface Options {
  unfurl: boolean;
  locale?: Locale;
  now?: Date;
}

function parseOptions(args: string[]): { positionals: string[]; options: Options } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      unfurl: { type: "boolean", default: false },
      locale: { type: "string" },
      now: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) throw new UsageError(USAGE);
  const locale = values.locale?.toLowerCase();
  if (locale !== undefined && !(LOCALES as readonly string[]).includes(locale))
    throw new UsageError(`--locale must be one of ${LOCALES.join(", ")}`);
  let now: Date | undefined;
  if (values.now !== undefined) {
    if (!/^\d{1,15}$/.test(values.now)) throw new UsageError("--now must be epoch milliseconds");
    now = new Date(Number(values.now));
  }
  return { positionals, options: { unfurl: values.unfurl, locale: locale as Locale | undefined, now } };
}

function readInput(file: string | undefined): string {
  try {
    return readFileSync(file ?? 0, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file ?? "stdin"}: ${(error as NodeJS.ErrnoException).code ?? "read error"}`);
  }
}

function parseBody(text: string): History {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`input is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseHistory(body);
  } catch (error) {
    if (isSourceDeployError(error)) throw new UsageError(`input is not a SourceDeploy history: ${error.message}`);
    throw error;
  }
}

function render(history: History, options: Options, base: Omit<RenderOptions, "now" | "locale"> & { locale: Locale }) {
  const renderOptions: RenderOptions = { ...base, locale: options.locale ?? base.locale, now: options.now ?? new Date() };
  const message = options.unfurl ? renderUnfurl(history, renderOptions) : renderHistory(history, renderOptions);
  return { text: message.text, blocks: message.blocks };
}

function configOrDefaults() {
  const config = loadConfig();
  return { config, base: { locale: config.locale, timeZone: config.timeZone, consoleUrlTemplate: config.sourceDeploy.consoleUrlTemplate } };
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { positionals, options } = parseOptions(rest);
  if (command === "render") {
    if (positionals.length > 1) throw new UsageError("render takes at most one file");
    const { base } = configOrDefaults();
    const history = parseBody(readInput(positionals[0]));
    process.stdout.write(`${JSON.stringify(render(history, options, base), null, 2)}\n`);
    return;
  }
  if (command === "preview") {
    const [projectId, historyId] = positionals;
    if (!projectId || !historyId || positionals.length > 2) throw new UsageError("preview needs <projectId> <historyId>");
    const { config, base } = configOrDefaults();
    const source = createSourceDeploy(config, silentLogger);
    try {
      const history = await source.api.getHistory(projectId, historyId);
      const message = render(history, options, { ...base, demo: source.demo });
      process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
      process.stderr.write(
        `Block Kit Builder: https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify({ blocks: message.blocks }))}\n`,
      );
    } finally {
      await source.close();
    }
    return;
  }
  throw new UsageError(command ? `unknown command "${command}" (try render or preview; --help for usage)` : USAGE);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  if (isSourceDeployError(error)) {
    console.error(`SourceDeploy: ${error.message}`);
    process.exit(1);
  }
  if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`${(error as Error).message.split("\n")[0]} (--help for usage)`);
    process.exit(2);
  }
  console.error(`deploy-history: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
