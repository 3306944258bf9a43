/** The in-process SubscriptionStore: copies in and out, as a remote store would. */
import type { Subscription, SubscriptionStore } from "./types.js";

export class MemorySubscriptionStore implements SubscriptionStore {
  private readonly byKey = new Map<string, Subscription>();
  private readonly cursors = new Map<string, string>();

  async put(subscription: Subscription): Promise<void> {
    this.insert(subscription);
  }

  /** `put`, done before it returns: for a store that fills this one while it opens. */
  insert(subscription: Subscription): void {
    this.byKey.set(keyOf(subscription.channelId, subscription.projectId), structuredClone(subscription));
  }

  async remove(channelId: string, projectId: string): Promise<boolean> {
    const removed = this.byKey.delete(keyOf(channelId, projectId));
    if (removed && !this.some((s) => s.projectId === projectId)) this.cursors.delete(projectId);
    return removed;
  }

  async forChannel(channelId: string): Promise<Subscription[]> {
    return this.filter((s) => s.channelId === channelId);
  }

  async forProject(projectId: string): Promise<Subscription[]> {
    return this.filter((s) => s.projectId === projectId);
  }

  async all(): Promise<Subscription[]> {
    return this.filter(() => true);
  }

  async count(): Promise<number> {
    return this.byKey.size;
  }

  async setPaused(channelId: string, projectId: string, paused: { reason: string; at: number } | undefined): Promise<void> {
    const key = keyOf(channelId, projectId);
    const current = this.byKey.get(key);
    if (!current) return;
    const { paused: _old, ...rest } = current;
    this.byKey.set(key, structuredClone(paused ? { ...rest, paused } : rest));
  }

  /** The stored subscription after setPaused, for a store that writes it through. */
  get(channelId: string, projectId: string): Subscription | undefined {
    const found = this.byKey.get(keyOf(channelId, projectId));
    return found && structuredClone(found);
  }

  async cursor(projectId: string): Promise<string | undefined> {
    return this.cursors.get(projectId);
  }

  async setCursor(projectId: string, historyId: string): Promise<void> {
    this.cursors.set(projectId, historyId);
  }

  private some(test: (s: Subscription) => boolean): boolean {
    for (const s of this.byKey.values()) if (test(s)) return true;
    return false;
  }

  private filter(test: (s: Subscription) => boolean): Subscription[] {
    return [...this.byKey.values()].filter(test).map((s) => structuredClone(s));
  }
}

function keyOf(channelId: string, projectId: string): string {
  return `${channelId} ${projectId}`;
}
