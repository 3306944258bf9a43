import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { silentLogger } from "../../src/log.js";
import { MemoryStateStore } from "../../src/state/memory.js";
import { SqliteStateStore } from "../../src/state/sqlite.js";
import { describeStoreContract } from "./contract.js";

describeStoreContract("memory", { make: async (now) => new MemoryStateStore({ now }) });

const dir = mkdtempSync(join(tmpdir(), "deploy-history-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
let current = "";
describeStoreContract("sqlite", {
  make: async (now) => {
    current = join(dir, `state-${++files}.db`);
    return SqliteStateStore.open({ path: current, url: `file:${current}`, logger: silentLogger, now });
  },
  reopen: async (now) => SqliteStateStore.open({ path: current, url: `file:${current}`, logger: silentLogger, now }),
});
