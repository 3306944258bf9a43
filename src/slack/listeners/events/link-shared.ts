/**
 * `link_shared`: every distinct history among the shared links is fetched once, and one
 * `chat.unfurl` carries the compact form of each, keyed by the exact URL Slack sent. Links that are
 * not history links are left alone; a history that cannot be fetched is not unfurled (logged).
 * Unfurls of running deployments in posted messages follow them live (composer previews cannot
 * be edited, so they are snapshots).
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { postTargetOf } from "../../../access/external.js";
import { type AnswerContext, mayView } from "../../../answer.js";
import { type HistoryRef, type LinkOptions, parseHistoryLink } from "../../../links.js";
import { type Block, renderUnfurl } from "../../../render/index.js";
import type { History } from "../../../sourcedeploy/model.js";
import type { MessageLocation } from "../../../watch/index.js";
import type { ListenerContext } from "../../context.js";
import type { LiveHints } from "../../live.js";
import { sendSafely } from "../../safely.js";

export interface SharedLink {
  url: string;
  ref: HistoryRef;
}

interface Unfurled {
  url: string;
  history: History;
  blocks: Block[];
}

const HINTS: LiveHints = { surface: "unfurl", shareButton: false };

export type LinkSharedArgs = AllMiddlewareArgs & SlackEventMiddlewareArgs<"link_shared">;

export function linkShared(ctx: ListenerContext): (args: LinkSharedArgs) => Promise<void> {
  return async ({ event, body, client }) => {
    const shared = historyLinks(
      event.links.map((l) => l.url),
      ctx.linkOptions,
    );
    if (shared.length === 0) return;
    const where = { channel: event.channel, user: event.user, source: event.source };
    const links = firstHistories(shared, MAX_UNFURLS_PER_EVENT);
    if (links.length < shared.length)
      ctx.logger.info({ ...where, links: shared.length, kept: links.length }, "unfurling only the first history links");
    // People of the other organisation in a Slack Connect channel would see every unfurl.
    if (!ctx.mayPostIn(postTargetOf(body))) {
      ctx.logger.info(where, "not unfurling in an externally shared channel (UNFURL_EXTERNAL_CHANNELS=false)");
      return;
    }
    const composer = event.source === "composer" && event.unfurl_id !== undefined;
    // A preview's channel (`COMPOSER`) is none: the message may still be posted in any channel.
    const unknownChannel = event.source === "composer" || event.channel === "COMPOSER";
    const scope = unknownChannel ? "every channel" : "asker's channel";
    const access = await ctx.access({ teamId: body.team_id, channelId: event.channel, userId: event.user }, scope);
    if (!access) return;
    const locationOf = (urls: string[]): MessageLocation | undefined =>
      composer ? undefined : { kind: "unfurl", channel: event.channel, ts: event.message_ts, urls };
    const unfurled = await unfurlAll(links, ctx, ctx.answer(access), where, locationOf);
    if (unfurled.length === 0) return;
    const target =
      composer && event.unfurl_id !== undefined
        ? { unfurl_id: event.unfurl_id, source: "composer" as const }
        : { channel: event.channel, ts: event.message_ts };
    const unfurls = Object.fromEntries(unfurled.map((u) => [u.url, { blocks: u.blocks }]));
    ctx.logger.info({ ...where, urls: unfurled.length }, "unfurling history links");
    const sent = await sendSafely(ctx.logger, "chat.unfurl", () => client.chat.unfurl({ ...target, unfurls }), where);
    if (!sent) return;
    // One watch per history in this message, however many links name it: it re-unfurls them all.
    for (const { history, urls } of urlsByHistory(unfurled)) {
      const location = locationOf(urls);
      if (location) await ctx.live.follow(history, location, HINTS, access.asker);
    }
  };
}

/**
 * How many distinct histories one link_shared event unfurls: each costs SourceDeploy calls, and a
 * message quoting dozens of links is not read link by link. A constant, not a setting: nobody
 * needs more previews in one message, and it only bounds what one event can cost.
 */
export const MAX_UNFURLS_PER_EVENT = 5;

/** The links that name one of the first `max` distinct histories (every URL of such a history stays, it costs no call). */
export function firstHistories(links: readonly SharedLink[], max: number): SharedLink[] {
  const kept = new Set<string>();
  return links.filter(({ ref }) => {
    const key = `${ref.projectId}/${ref.historyId}`;
    if (!kept.has(key) && kept.size < max) kept.add(key);
    return kept.has(key);
  });
}

/** The distinct history links among the shared URLs. Slack HTML-escapes `&` in them; the exact URL stays the unfurl key. */
export function historyLinks(urls: readonly string[], options: LinkOptions): SharedLink[] {
  const seen = new Set<string>();
  const links: SharedLink[] = [];
  for (const url of urls) {
    if (seen.has(url)) continue;
    seen.add(url);
    const ref = parseHistoryLink(url.replaceAll("&amp;", "&"), options);
    if (ref) links.push({ url, ref });
  }
  return links;
}

async function unfurlAll(
  links: readonly SharedLink[],
  ctx: ListenerContext,
  answer: AnswerContext,
  where: Record<string, unknown>,
  locationOf: (urls: string[]) => MessageLocation | undefined,
): Promise<Unfurled[]> {
  const key = (ref: HistoryRef) => `${ref.projectId}/${ref.historyId}`;
  const distinct = new Map(links.map((link) => [key(link.ref), link.ref]));
  const fetched = new Map<string, History | undefined>();
  await Promise.all(
    [...distinct].map(async ([k, ref]) => {
      if (!(await mayView(ref.projectId, answer))) return;
      try {
        fetched.set(k, await answer.api.getHistory(ref.projectId, ref.historyId));
      } catch (error) {
        ctx.logger.warn({ ...where, ...ref, err: error }, "history link not unfurled");
      }
    }),
  );
  const unfurled: Unfurled[] = [];
  for (const link of links) {
    const history = fetched.get(key(link.ref));
    if (!history) continue;
    const location = locationOf([link.url]);
    const message = location
      ? await ctx.live.draft(history, location, HINTS, answer.access?.asker ?? {})
      : renderUnfurl(history, ctx.render());
    unfurled.push({ url: link.url, history, blocks: message.blocks });
  }
  return unfurled;
}

/** The unfurled URLs grouped by the history they name. */
function urlsByHistory(unfurled: readonly Unfurled[]): Array<{ history: History; urls: string[] }> {
  const byHistory = new Map<string, { history: History; urls: string[] }>();
  for (const { url, history } of unfurled) {
    const key = `${history.project.id}/${history.id}`;
    const group = byHistory.get(key) ?? { history, urls: [] };
    group.urls.push(url);
    byHistory.set(key, group);
  }
  return [...byHistory.values()];
}
