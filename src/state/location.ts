/**
 * What a `STATE_URL` names: `file:<path>` (SQLite; a relative path is relative to the working
 * directory), `redis://…` / `rediss://…` (shared by several instances) or `memory:` (unit tests: nothing survives the process). Free of any driver, so the
 * config check can use it.
 */
export type StateLocation = { kind: "memory" } | { kind: "sqlite"; path: string } | { kind: "redis"; url: string };

/** The store a STATE_URL names, or why it names none. */
export function parseStateUrl(url: string): StateLocation | { problem: string } {
  if (url === "memory:") return { kind: "memory" };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    return path === "" || path.endsWith("/")
      ? { problem: "file: needs a file name, e.g. file:./data/deploy-history.db" }
      : { kind: "sqlite", path };
  }
  if (/^rediss?:\/\/./.test(url)) return { kind: "redis", url };
  return { problem: "must be file:<path> (SQLite, e.g. file:./data/deploy-history.db), redis://host:port (Redis) or memory:" };
}
