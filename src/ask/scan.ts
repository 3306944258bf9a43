/**
 * Reads a project's history list, newest first, only as far as a question needs: until the time
 * range is covered, enough matches are found, or the list ends, and never more than `maxPages`
 * pages. The list API pages newest first and has no server-side filter, so this is the one place
 * that bounds what a question costs. Pages are asked with `maxAgeMs`: the cache shares a page read
 * moments ago (and one in flight) between askers.
 */
import { SourceDeployError } from "../sourcedeploy/errors.js";
import type { CallOptions, HistorySummary, SourceDeployApi } from "../sourcedeploy/model.js";

/** The API's largest page: fewest calls per question. */
export const SCAN_PAGE_SIZE = 100;
/** How old a cached page a question accepts. */
export const SCAN_PAGE_MAX_AGE_MS = 30_000;
export const DEFAULT_ASK_MAX_PAGES = 10;

export interface ScanOptions {
  /** Entries older than this are not needed: the scan stops at the first page that reaches back past it. */
  since?: Date;
  /** True when the entries read so far answer the question (e.g. enough matches, newest first). */
  enough?: (entries: readonly HistorySummary[]) => boolean;
  maxPages: number;
  pageSize?: number;
}

/**
 * Why reading stopped: the list ended, the range was covered, the question was answered, the page
 * cap, or the upstream limits (the asker's share or SourceDeploy's own) after at least one page.
 */
export type ScanEnd = "all" | "covered" | "enough" | "cap" | "limited";

export interface Scan {
  /** Every entry read (ids distinct), newest first as the API gave them. */
  entries: HistorySummary[];
  pages: number;
  /** The oldest start time read. */
  oldest?: Date;
  end: ScanEnd;
}

const LIMITS: ReadonlySet<string> = new Set(["slow_down", "rate_limited"]);

export async function scanHistories(api: SourceDeployApi, projectId: string, options: ScanOptions, call?: CallOptions): Promise<Scan> {
  const pageSize = options.pageSize ?? SCAN_PAGE_SIZE;
  const entries: HistorySummary[] = [];
  const ids = new Set<string>();
  let oldest: Date | undefined;
  for (let pageNo = 1; pageNo <= options.maxPages; pageNo++) {
    let page: HistorySummary[];
    try {
      page = await api.listHistories(projectId, { pageNo, pageSize, maxAgeMs: SCAN_PAGE_MAX_AGE_MS }, call);
    } catch (error) {
      if (pageNo > 1 && error instanceof SourceDeployError && LIMITS.has(error.code))
        return { entries, pages: pageNo - 1, ...(oldest && { oldest }), end: "limited" };
      throw error;
    }
    // A deployment started between two page reads shifts the pages by one: skip what was read already.
    for (const entry of page) {
      if (ids.has(entry.id)) continue;
      ids.add(entry.id);
      entries.push(entry);
      const start = entry.startTime;
      if (start !== undefined && Number.isFinite(start.getTime()) && (oldest === undefined || start < oldest)) oldest = start;
    }
    const done = { entries, pages: pageNo, ...(oldest && { oldest }) };
    if (page.length < pageSize) return { ...done, end: "all" };
    if (options.since !== undefined && oldest !== undefined && oldest < options.since) return { ...done, end: "covered" };
    if (options.enough?.(entries)) return { ...done, end: "enough" };
  }
  return { entries, pages: options.maxPages, ...(oldest && { oldest }), end: "cap" };
}
