/**
 * `link_shared`: every distinct history among the shared links is fetched once, and one
 * `chat.unfurl` carries the compact form of each, keyed by the exact URL Slack sent. Links that are
 * not history links are left alone; a history that cannot be fetched is not unfurled (logged).
 */
import type { App } from "@slack/bolt";
import { describeError } from "../answer.js";
import { parseHistoryLink, type HistoryRef } from "../links.js";
import { renderUnfurl } from "../render/index.js";
import type { ListenerContext } from "./context.js";
import { sendSafely } from "./safely.js";

interface SharedLink {
  url: string;
  ref: HistoryRef;
}

export function registerUnfurl(app: App, ctx: ListenerContext): void {
  app.event("link_shared", async ({ event, client }) => {
    const links = historyLinks(event.links.map((l) => l.url), ctx);
    if (links.length === 0) return;
    const where = { channel: event.channel, user: event.user, source: event.source };
    const unfurls = await renderUnfurls(links, ctx, where);
    if (Object.keys(unfurls).length === 0) return;
    const target =
      event.source === "composer" && event.unfurl_id
        ? { unfurl_id: event.unfurl_id, source: "composer" as const }
        : { channel: event.channel, ts: event.message_ts };
    ctx.logger.info({ ...where, urls: Object.keys(unfurls).length }, "unfurling history links");
    await sendSafely(ctx.logger, "chat.unfurl", () => client.chat.unfurl({ ...target, unfurls } as never), where);
  });
}

/** Slack HTML-escapes `&` in link_shared URLs; the exact URL stays the unfurl key. */
function historyLinks(urls: readonly string[], ctx: ListenerContext): SharedLink[] {
  const seen = new Set<string>();
  const links: SharedLink[] = [];
  for (const url of urls) {
    if (seen.has(url)) continue;
    seen.add(url);
    const ref = parseHistoryLink(url.replaceAll("&amp;", "&"), ctx.linkOptions);
    if (ref) links.push({ url, ref });
  }
  return links;
}

async function renderUnfurls(links: readonly SharedLink[], ctx: ListenerContext, where: Record<string, unknown>) {
  const key = (ref: HistoryRef) => `${ref.projectId}/${ref.historyId}`;
  const distinct = new Map(links.map((link) => [key(link.ref), link.ref]));
  const fetched = new Map(
    await Promise.all(
      [...distinct].map(async ([k, ref]) => {
        try {
          return [k, await ctx.api.getHistory(ref.projectId, ref.historyId)] as const;
        } catch (error) {
          ctx.logger.warn({ ...where, ...ref, err: describeError(error) }, "history link not unfurled");
          return [k, undefined] as const;
        }
      }),
    ),
  );
  const options = ctx.render();
  const unfurls: Record<string, { blocks: unknown[] }> = {};
  for (const link of links) {
    const history = fetched.get(key(link.ref));
    if (history) unfurls[link.url] = { blocks: renderUnfurl(history, options).blocks };
  }
  return unfurls;
}
