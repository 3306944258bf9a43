/**
 * Opening the SQLite store: migrations, and the start-up refusals (newer schema, garbage file,
 * unwritable place), each one line naming STATE_URL; then a write that fails at run time.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../../src/log.js";
import { openStateStore, parseStateUrl, SCHEMA_VERSION, StateError } from "../../src/state/index.js";
import { MIGRATIONS } from "../../src/state/migrations.js";
import { SqliteStateStore } from "../../src/state/sqlite.js";
import { watchOf } from "./contract.js";

const dir = mkdtempSync(join(tmpdir(), "deploy-history-sqlite-"));
afterAll(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;
const fresh = () => join(dir, `db-${++n}`, "state.db");
const open = (path: string, extra: Partial<Parameters<typeof SqliteStateStore.open>[0]> = {}) =>
  SqliteStateStore.open({ path, url: `file:${path}`, logger: silentLogger, ...extra });

/** The StateError opening `path` throws. */
function refusal(path: string, extra: Partial<Parameters<typeof SqliteStateStore.open>[0]> = {}): StateError {
  try {
    void open(path, extra).close();
  } catch (error) {
    if (error instanceof StateError) return error;
    throw error;
  }
  throw new Error("opened");
}

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe("STATE_URL", () => {
  it("names a SQLite file, Redis or memory, and nothing else", () => {
    expect(parseStateUrl("file:./data/deploy-history.db")).toEqual({ kind: "sqlite", path: "./data/deploy-history.db" });
    expect(parseStateUrl("file:///var/lib/dh/state.db")).toEqual({ kind: "sqlite", path: "/var/lib/dh/state.db" });
    expect(parseStateUrl("memory:")).toEqual({ kind: "memory" });
    expect(parseStateUrl("redis://localhost")).toEqual({ kind: "redis", url: "redis://localhost" });
    expect(parseStateUrl("postgres://localhost")).toHaveProperty("problem");
    expect(parseStateUrl("file:")).toHaveProperty("problem");
    expect(parseStateUrl("file:./data/")).toHaveProperty("problem");
  });

  it("opens the store it names, or refuses in one line naming STATE_URL", async () => {
    const memory = openStateStore("memory:", silentLogger);
    expect(memory.kind).toBe("memory");
    const path = fresh();
    const sqlite = openStateStore(`file:${path}`, silentLogger);
    expect(sqlite.kind).toBe("sqlite");
    await sqlite.close();
    expect(() => openStateStore("postgres://x", silentLogger)).toThrow(/^STATE_URL \(postgres:\/\/x\): must be/);
    // A URL it cannot use may still carry a password: the message never shows it.
    expect(() => openStateStore("postgres://app:hunter2@db:5432/x", silentLogger)).toThrow(
      /^STATE_URL \(postgres:\/\/app:\*\*\*@db:5432\/x\): must be/,
    );
  });
});

describe("migrations", () => {
  it("creates the directory and the schema, in WAL mode, and logs each migration once", async () => {
    const path = fresh();
    const { logger, lines } = recordingLogger();
    const store = open(path, { logger });
    expect(await store.health()).toMatchObject({ kind: "sqlite", ok: true, schemaVersion: SCHEMA_VERSION });
    await store.close();
    expect(lines.filter((l) => l.msg === "state: migrated the database").map((l) => l.version)).toEqual(MIGRATIONS.map((m) => m.version));

    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();

    const again = recordingLogger();
    await open(path, { logger: again.logger }).close();
    expect(again.lines.filter((l) => l.msg === "state: migrated the database")).toEqual([]);
  });

  it("runs only the migrations a database is missing, keeping its data", async () => {
    const path = fresh();
    const store = open(path);
    await store.watches().add(watchOf("a", "7"));
    await store.close();
    const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, what: "test", sql: "CREATE TABLE later (x INTEGER)" }];
    const upgraded = open(path, { migrations: next });
    expect(await upgraded.health()).toMatchObject({ schemaVersion: SCHEMA_VERSION + 1 });
    expect((await upgraded.watches().all()).map((w) => w.id)).toEqual(["a"]);
    await upgraded.close();
  });

  it("refuses a database from a newer version of the app, naming STATE_URL and both versions", async () => {
    const path = fresh();
    await open(path, { migrations: [...MIGRATIONS, { version: SCHEMA_VERSION + 1, what: "future", sql: "SELECT 1" }] }).close();
    const error = refusal(path);
    expect(error.message).toBe(
      `STATE_URL (file:${path}): the database has schema version ${SCHEMA_VERSION + 1}, newer than this deploy-history knows (${SCHEMA_VERSION}); run the newer version or point STATE_URL at another file`,
    );
  });
});

describe("bad state at start-up", () => {
  it("refuses a file of garbage", () => {
    const path = fresh();
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "this is not a database, just some text that is long enough to have a header of its own".repeat(20));
    const error = refusal(path);
    expect(error.message).toBe(
      `STATE_URL (file:${path}): cannot use the database file ${path}: it is not a SQLite database (SQLITE_NOTADB)`,
    );
    expect(error.message).not.toContain("\n");
  });

  it("refuses a path whose directory cannot be created", () => {
    const blocker = join(dir, `file-${++n}`);
    writeFileSync(blocker, "a file where the directory should be");
    const path = join(blocker, "data", "state.db");
    expect(refusal(path).message).toBe(`STATE_URL (file:${path}): cannot create the directory ${join(blocker, "data")} (ENOTDIR)`);
  });

  // root may write anywhere: a read-only directory stops only other users.
  it.skipIf(process.getuid?.() === 0)("refuses a read-only directory", () => {
    const readOnly = join(dir, `ro-${++n}`);
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const path = join(readOnly, "state.db");
    const error = refusal(path);
    expect(error.message).toMatch(new RegExp(`^STATE_URL \\(file:${path}\\): cannot use the database file ${path}: .*\\(SQLITE_`));
    expect(error.message).not.toContain("\n");
  });

  it("refuses a database that can be read but not written", async () => {
    const path = fresh();
    await open(path).close();
    // Another connection holds the write lock for good, as a second instance of the app would.
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      expect(refusal(path).message).toBe(
        `STATE_URL (file:${path}): cannot use the database file ${path}: it is locked by another process (SQLITE_BUSY)`,
      );
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  });
});

describe("a write that fails at run time", () => {
  it("is logged once a minute; lookups, claims and the health report keep working", async () => {
    const path = fresh();
    let now = Date.UTC(2026, 2, 8);
    const { logger, lines } = recordingLogger();
    const store = open(path, { logger, now: () => now });
    const watches = store.watches();
    await watches.add(watchOf("a", "7"));
    expect(await store.claimOnce("event:Ev1", 600_000)).toBe(true);

    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      await watches.update("a", { lastDigest: "while locked" });
      await watches.add(watchOf("b", "7"));
      expect(await store.claimOnce("event:Ev2", 600_000)).toBe(true);
      expect(await store.claimOnce("event:Ev2", 600_000)).toBe(false);
      expect(await store.claimOnce("event:Ev1", 600_000)).toBe(false);
      await expect(store.appendAudit({ actor: "U0ALICE", action: "x" })).rejects.toMatchObject({ code: "SQLITE_BUSY" });
      expect((await watches.forHistory("41027", "7")).map((w) => [w.id, w.lastDigest])).toEqual([
        ["a", "while locked"],
        ["b", undefined],
      ]);
      store.flushClaims(); // claims are written behind; this write fails too, and they are kept in memory
      expect(await store.claimOnce("event:Ev2", 600_000)).toBe(false);
      expect(await store.health()).toMatchObject({ ok: false, lastWriteError: "SQLITE_BUSY", writeFailures: 4 });
      const failures = () => lines.filter((l) => String(l.msg).startsWith("state: a write to the database failed"));
      expect(failures()).toHaveLength(1);
      expect(failures()[0]).toMatchObject({ level: "error", err: { code: "SQLITE_BUSY" } });
      expect(JSON.stringify(failures()[0])).not.toContain("stack");
      now += 60_000;
      await watches.update("a", { lastDigest: "still locked" });
      expect(failures()).toHaveLength(2);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    await watches.update("a", { lastDigest: "unlocked" });
    expect(await store.health()).toMatchObject({ ok: true, writeFailures: 5 });
    expect(lines.some((l) => l.msg === "state: writes to the database work again")).toBe(true);
    await store.close();
    const again = open(path);
    expect((await again.watches().all()).map((w) => [w.id, w.lastDigest])).toEqual([["a", "unlocked"]]);
    await again.close();
  });
});

describe("a durable claim (a write to SourceDeploy)", () => {
  it("is on disk when it resolves: another connection sees it before any flush", async () => {
    const path = fresh();
    const store = open(path);
    expect(await store.claimOnce("write:41027/904700:approval", 600_000, { durable: true })).toBe(true);
    const other = new Database(path, { readonly: true });
    const row = other.prepare("SELECT key FROM seen_keys WHERE key = ?").get("write:41027/904700:approval");
    other.close();
    expect(row).toEqual({ key: "write:41027/904700:approval" });
    expect(await store.claimOnce("write:41027/904700:approval", 600_000, { durable: true })).toBe(false);
    await store.close();
  });

  it("rejects, and leaves the key unclaimed, when it cannot be written", async () => {
    const path = fresh();
    const store = open(path);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    try {
      await expect(store.claimOnce("write:1/2:cancel", 600_000, { durable: true })).rejects.toThrow(/could not be written/);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(await store.claimOnce("write:1/2:cancel", 600_000, { durable: true })).toBe(true);
    await store.close();
  });
});
