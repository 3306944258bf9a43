import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { silentLogger } from "../../src/log.js";
import { MemoryStateStore } from "../../src/state/memory.js";
import { RedisStateStore } from "../../src/state/redis.js";
import { SqliteStateStore } from "../../src/state/sqlite.js";
import { hasRedisServer, type RedisServer, startRedisServer } from "../support/redis-server.js";
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

describe.skipIf(!hasRedisServer())("on a real redis-server", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => server?.close());
  let stores = 0;
  let prefix = "";
  const open = (now: () => number) => RedisStateStore.open({ url: server.url, logger: silentLogger, now, prefix });
  describeStoreContract("redis", {
    make: async (now) => {
      prefix = `contract-${++stores}:`;
      return open(now);
    },
    reopen: open,
  });
});
