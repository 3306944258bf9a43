/**
 * The in-memory state store, for unit tests (`STATE_URL=memory:`): nothing survives the process.
 */
import { MemoryWatchStore } from "../watch/memory-store.js";
import type { WatchStore } from "../watch/types.js";
import { MemorySubscriptionStore } from "./memory-subscriptions.js";
import type { AuditEntry, AuditInput, AuditQuery, PruneResult, StateHealth, StateStore, SubscriptionStore } from "./types.js";
import { auditLimit } from "./validate.js";

export interface MemoryStateOptions {
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

export class MemoryStateStore implements StateStore {
  readonly kind = "memory" as const;
  private readonly store = new MemoryWatchStore<object>();
  private readonly subscriptionStore = new MemorySubscriptionStore();
  private readonly claims = new Map<string, number>();
  private readonly audit: AuditEntry[] = [];
  private readonly now: () => number;

  constructor({ now = Date.now }: MemoryStateOptions = {}) {
    this.now = now;
  }

  watches<Hints extends object>(): WatchStore<Hints> {
    return this.store as unknown as WatchStore<Hints>;
  }

  subscriptions(): SubscriptionStore {
    return this.subscriptionStore;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const expiresAt = this.claims.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.claims.set(key, now + ttlMs);
    return true;
  }

  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    const entry: AuditEntry = { ...structuredClone(input), id: this.audit.length + 1, at: this.now() };
    this.audit.push(entry);
    return structuredClone(entry);
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const older = this.audit.filter((e) => query.beforeId === undefined || e.id < query.beforeId);
    return older
      .slice(-auditLimit(query.limit))
      .reverse()
      .map((e) => structuredClone(e));
  }

  async prune({ now, watchesCreatedBefore, limit }: { now: number; watchesCreatedBefore: number; limit: number }): Promise<PruneResult> {
    let seenKeys = 0;
    for (const [key, expiresAt] of this.claims) {
      if (seenKeys >= limit) break;
      if (expiresAt <= now) {
        this.claims.delete(key);
        seenKeys += 1;
      }
    }
    const old = (await this.store.all()).filter((w) => w.createdAt < watchesCreatedBefore).slice(0, limit);
    for (const watch of old) await this.store.remove(watch.id);
    return { seenKeys, watches: old.length };
  }

  async health(): Promise<StateHealth> {
    return { kind: this.kind, ok: true, writeFailures: 0 };
  }

  async close(): Promise<void> {}
}
