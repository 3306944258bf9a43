/**
 * The in-process WatchStore. Watches are copied in and out, so a caller holding a Watch never
 * sees (or causes) changes behind its back, as it would be with a remote store.
 */
import type { Requester, Watch, WatchCounts, WatchPatch, WatchStore } from "./types.js";

export class MemoryWatchStore<Hints extends object> implements WatchStore<Hints> {
  private readonly byId = new Map<string, Watch<Hints>>();
  /** history key → watch ids, so a tick's lookup costs O(watches of that history). */
  private readonly byHistory = new Map<string, Set<string>>();

  async add(watch: Watch<Hints>): Promise<void> {
    this.insert(watch);
  }

  /** `add`, done before it returns: for a store that fills this one while it opens. */
  insert(watch: Watch<Hints>): void {
    this.delete(watch.id);
    this.byId.set(watch.id, copy(watch));
    const key = historyKey(watch.projectId, watch.historyId);
    const ids = this.byHistory.get(key) ?? new Set<string>();
    ids.add(watch.id);
    this.byHistory.set(key, ids);
  }

  async update(id: string, patch: WatchPatch): Promise<void> {
    const current = this.byId.get(id);
    if (current) this.byId.set(id, copy({ ...current, ...patch }));
  }

  async remove(id: string): Promise<void> {
    this.delete(id);
  }

  private delete(id: string): void {
    const current = this.byId.get(id);
    if (!current) return;
    this.byId.delete(id);
    const key = historyKey(current.projectId, current.historyId);
    const ids = this.byHistory.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.byHistory.delete(key);
  }

  /** The watch with this id, if any (a copy). */
  async get(id: string): Promise<Watch<Hints> | undefined> {
    const watch = this.byId.get(id);
    return watch ? copy(watch) : undefined;
  }

  async forHistory(projectId: string, historyId: string): Promise<Watch<Hints>[]> {
    const ids = this.byHistory.get(historyKey(projectId, historyId)) ?? new Set<string>();
    return [...ids].flatMap((id) => {
      const watch = this.byId.get(id);
      return watch ? [copy(watch)] : [];
    });
  }

  async count(): Promise<number> {
    return this.byId.size;
  }

  async counts({ userId, channelId }: Requester): Promise<WatchCounts> {
    const counts = { total: this.byId.size, ofUser: 0, inChannel: 0 };
    for (const { requester } of this.byId.values()) {
      if (requester.userId === userId) counts.ofUser += 1;
      if (requester.channelId === channelId) counts.inChannel += 1;
    }
    return counts;
  }

  async all(): Promise<Watch<Hints>[]> {
    return [...this.byId.values()].map(copy);
  }
}

export function historyKey(projectId: string, historyId: string): string {
  return `${projectId}/${historyId}`;
}

function copy<Hints extends object>(watch: Watch<Hints>): Watch<Hints> {
  const location = watch.location.kind === "unfurl" ? { ...watch.location, urls: [...watch.location.urls] } : { ...watch.location };
  return { ...watch, location, requester: { ...watch.requester }, hints: { ...watch.hints } };
}
