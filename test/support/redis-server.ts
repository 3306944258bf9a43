/**
 * A real redis-server for the tests that need one: started on a free port of 127.0.0.1 in a
 * temporary folder, with no persistence unless asked, and killed afterwards. `.ci/run` installs redis-server on
 * a clean machine; a developer without it gets one clear error naming the package.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "./wait.js";

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGKILL: nothing is kept anyway); the folder stays for `start` again. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`): an outage that ends. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a paused process go on (SIGCONT). */
  resume(): void;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/**
 * Whether the Redis tests can run here. `.ci/run` sets REQUIRE_REDIS_TESTS=1: there a missing
 * redis-server fails the tests instead of skipping them.
 */
export function hasRedisServer(): boolean {
  return process.env.REQUIRE_REDIS_TESTS === "1" || spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface RedisServerOptions {
  /**
   * Keep the data across `stop` / `start` (an append-only file written at every change), as a
   * production Redis configured as README "Running more than one instance" says. Default: nothing kept.
   */
  persistent?: boolean;
}

export async function startRedisServer({ persistent = false }: RedisServerOptions = {}): Promise<RedisServer> {
  if (!hasRedisServer())
    throw new Error("redis-server is not installed (Debian/Ubuntu: apt-get install redis-server); .ci/run installs it");
  const dir = mkdtempSync(join(tmpdir(), "deploy-history-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const persistence = persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence, "--dir", dir, "--loglevel", "warning"];
    const started = spawn("redis-server", args, { stdio: "ignore" });
    child = started;
    await waitUntil(async () => started.exitCode !== null || (await accepts(port)), `redis-server on port ${port}`);
    if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}`);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGCONT");
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
