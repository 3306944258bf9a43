/**
 * Time from a signed /deploy-history request to its response_url post, in the e2e setup (real app
 * in HTTP mode, fake Slack, signature-checking fake SourceDeploy), median of N sequential commands,
 * and the app's RSS afterwards. Run: npm run build && node --import tsx bench/command-latency.ts
 */
import { pathToFileURL } from "node:url";
import { slashCommandBody, startStack } from "../test/e2e/harness.js";
import { type Figure, machine, median, percentile, printTable } from "./lib.js";

export async function commandLatencyFigures(count = 50): Promise<Figure[]> {
  const stack = await startStack({ env: { LOG_LEVEL: "warn" } });
  try {
    const samples: number[] = [];
    for (let i = 0; i < count + 5; i++) {
      const id = `bench-${i}`;
      const started = performance.now();
      await stack.app.postSigned(slashCommandBody({ text: "41027 903344", responseUrl: stack.slack.responseUrl(id) }));
      await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id, 10_000);
      if (i >= 5) samples.push(performance.now() - started); // the first few warm up the JIT and the connection pool
    }
    const health = (await stack.app.get("/healthz")).json as { rssBytes: number };
    return [
      { bench: "command", metric: `slash command → response_url, median of ${count}`, value: `${median(samples).toFixed(1)} ms` },
      { bench: "command", metric: "slash command → response_url, p90", value: `${percentile(samples, 90).toFixed(1)} ms` },
      { bench: "command", metric: "app RSS after the run", value: `${(health.rssBytes / 2 ** 20).toFixed(1)} MiB` },
    ];
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(machine());
  printTable(await commandLatencyFigures());
}
