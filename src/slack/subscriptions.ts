/**
 * Channel subscriptions on Slack (issue 13): the `subscribe` / `unsubscribe` / `subscriptions`
 * commands, the Unsubscribe button, App Home, and the posts themselves. The poll loops live in
 * src/subscriptions (they know nothing of Slack); this file tells them how to post.
 *
 * - Subscribing needs the asker (where they ask) and the channel itself to be allowed to view the
 *   project; both are asked again before every post, so a rule removed later stops the posts.
 * - A channel shared with another organisation is refused unless UNFURL_EXTERNAL_CHANNELS=true
 *   (`conversations.info`), and asked again at every post with what was seen when subscribing.
 * - A post is claimed once per (channel, history) in the state store before it is sent.
 * - `not_in_channel`, `channel_not_found` and `is_archived` pause the subscription (one log line).
 */
import { webApi } from "@slack/bolt";
import type { PostTarget } from "../access/external.js";
import type { AccessScope, Asker } from "../access/policy.js";
import { type AnswerContext, findProject, type ProjectAccess } from "../answer.js";
import type { SubscriptionCommand } from "../command.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import {
  type HomeEntry,
  type HomeView,
  type Message,
  type RenderOptions,
  renderAccessDenied,
  renderAppHome,
  renderError,
  renderNotSubscribed,
  renderSkipped,
  renderSubscribed,
  renderSubscriptionList,
  renderSubscriptionRefusal,
  renderUnsubscribed,
} from "../render/index.js";
import { compareHistoryIds, type HistorySummary, type SourceDeployApi } from "../sourcedeploy/model.js";
import type { StateStore, Subscription } from "../state/types.js";
import { type DeliveryOutcome, SubscriptionPoller } from "../subscriptions/poller.js";
import type { LiveHints, LiveUpdates } from "./live.js";
import { slackErrorCode } from "./safely.js";
import { quietWebLogger, slackApiUrl } from "./slack-api.js";

/** Histories per list call; the newest of them are compared with the cursor. */

/** What subscriptions need of the listener context (`ListenerContext` is one; it builds the subscriptions). */
export interface SubscriptionsHost {
  access(asker: Asker, scope?: AccessScope): Promise<ProjectAccess | undefined>;
  answer(access: ProjectAccess, extra?: Partial<RenderOptions>): AnswerContext;
  render(extra?: Partial<RenderOptions>): RenderOptions;
  mayPostIn(target: PostTarget): boolean;
  live: LiveUpdates;
}

export const SUBSCRIPTION_PAGE_SIZE = 20;
/** Posts per channel per poll; more new histories than this are counted in one line. */
export const MAX_POSTS_PER_POLL = 10;
/** How long "posted in this channel" is remembered (a history is long out of the page by then). */
export const POSTED_TTL_MS = 30 * 24 * 3_600_000;
/** Slack errors after which the app cannot post in the channel until someone acts. */
const PAUSING_ERRORS: ReadonlySet<string> = new Set(["not_in_channel", "channel_not_found", "is_archived"]);

/** Where an answer goes: to the channel (everyone sees who did it) or to the asker alone. */
export interface SubscriptionReply {
  message: Message;
  /** `posted`: the bot already posted it in the channel; nothing more to send. */
  visibility: "channel" | "ephemeral" | "posted";
}

export interface Subscriptions {
  /** Answers a subscription command typed in `asker.channelId`; `postInChannel` posts as the bot. */
  command(command: SubscriptionCommand, asker: Asker, postInChannel: PostInChannel): Promise<SubscriptionReply>;
  /** The Unsubscribe button: removes the channel's subscription to `projectId`; the updated list. */
  unsubscribe(asker: Asker, projectId: string): Promise<{ list: Message; notice?: Message }>;
  /** App Home for one user. */
  home(asker: Asker): Promise<HomeView>;
  start(): Promise<number>;
  stats(): Promise<{ subscriptions: number; loops: number; polls: number }>;
  close(): Promise<void>;
}

/** Posts in the command's channel as the bot; throws Slack's error (not_in_channel …). */
export type PostInChannel = (message: Message) => Promise<void>;

export interface SubscriptionDeps {
  config: Config;
  api: SourceDeployApi;
  state: StateStore;
  logger: Logger;
  ctx: SubscriptionsHost;
}

const allowed = (decision: string) => decision === "allow";

export function createSubscriptions({ config, api, state, logger, ctx }: SubscriptionDeps): Subscriptions {
  const log = logger.child({ component: "subscriptions" });
  const store = state.subscriptions();
  const web = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: slackApiUrl(config),
    retryConfig: { retries: 2 },
    logger: quietWebLogger,
  });

  /** The asker where they ask, and the channel itself (whoever reads it), may both view the project. */
  const mayView = async (asker: Asker, project: { id: string; name: string }): Promise<boolean> => {
    const [user, channel] = await Promise.all([ctx.access(asker), ctx.access({ teamId: asker.teamId, channelId: asker.channelId })]);
    return user !== undefined && channel !== undefined && allowed(user.decide(project)) && allowed(channel.decide(project));
  };

  const subscriberOf = (s: Subscription): Asker => ({ teamId: s.teamId, userId: s.createdBy, channelId: s.channelId });

  const pause = async (subscription: Subscription, reason: string): Promise<void> => {
    await store.setPaused(subscription.channelId, subscription.projectId, { reason, at: Date.now() });
    log.warn(
      { channelId: subscription.channelId, projectId: subscription.projectId, reason },
      "subscriptions: the app cannot post in this channel any more; subscription paused until someone subscribes again",
    );
  };

  const deliver = async (subscription: Subscription, summary: HistorySummary, late: boolean): Promise<DeliveryOutcome> => {
    const where = { channelId: subscription.channelId, projectId: subscription.projectId, historyId: summary.id };
    if (!ctx.mayPostIn({ externallyShared: subscription.externallyShared })) {
      log.info(where, "subscriptions: not posting in an externally shared channel (UNFURL_EXTERNAL_CHANNELS=false)");
      return "refused";
    }
    const project = { id: subscription.projectId, name: summary.project.name || subscription.projectName };
    if (!(await mayView(subscriberOf(subscription), project))) {
      log.info({ ...where, subscriber: subscription.createdBy }, "subscriptions: post refused by the access policy");
      return "refused";
    }
    const hints: LiveHints = { surface: "detail", shareButton: false, ...(late ? { late } : {}) };
    // Watches of subscription posts count against the channel, not the person who subscribed.
    const asker: Asker = {
      teamId: subscription.teamId,
      userId: `subscriptions:${subscription.channelId}`,
      channelId: subscription.channelId,
    };
    try {
      const history = await api.getHistory(subscription.projectId, summary.id);
      const draft = await ctx.live.draft(history, { kind: "message", channel: subscription.channelId, ts: "" }, hints, asker);
      const posted = await web.chat.postMessage({
        channel: subscription.channelId,
        text: draft.text,
        blocks: draft.blocks,
        unfurl_links: false,
      });
      log.info({ ...where, late, status: history.status }, "subscriptions: posted");
      if (posted.ts) {
        const ts = posted.ts;
        // Posted is posted: a failure to follow it live is logged as that, not as a failed post.
        await ctx.live
          .follow(history, { kind: "message", channel: subscription.channelId, ts }, hints, asker)
          .catch((error: unknown) => log.warn({ ...where, err: error }, "subscriptions: posted, but following it live failed"));
      }
      return "posted";
    } catch (error) {
      const code = slackErrorCode(error);
      if (code !== undefined && PAUSING_ERRORS.has(code)) {
        await pause(subscription, code);
        return "paused";
      }
      log.warn({ ...where, err: error }, "subscriptions: posting failed");
      return "failed";
    }
  };

  const reportSkipped = async (subscription: Subscription, project: { id: string; name: string }, count: number, atLeast: boolean) => {
    const line = renderSkipped(project, count, atLeast, ctx.render());
    log.info(
      { channelId: subscription.channelId, projectId: project.id, count, atLeast },
      "subscriptions: too many new histories at once; some not posted",
    );
    try {
      await web.chat.postMessage({ channel: subscription.channelId, text: line.text, blocks: line.blocks, unfurl_links: false });
    } catch (error) {
      log.warn({ channelId: subscription.channelId, err: error }, "subscriptions: posting the skipped line failed");
    }
  };

  const poller = new SubscriptionPoller({
    listHistories: (projectId, pageSize, signal) => api.listHistories(projectId, { pageSize }, { signal }),
    store,
    claimOnce: (key) => state.claimOnce(key, POSTED_TTL_MS),
    deliver,
    reportSkipped,
    logger: log,
    intervalMs: config.subscriptions.pollMs,
    pageSize: SUBSCRIPTION_PAGE_SIZE,
    maxPostsPerPoll: MAX_POSTS_PER_POLL,
    ...(state.leases ? { leases: state.leases } : {}),
  });

  /** Whether the bot may post in the channel and whether it is shared externally; undefined = refused (the reply). */
  const channelCheck = async (channelId: string): Promise<{ externallyShared: boolean } | { refusal: Message }> => {
    try {
      const { channel } = await web.conversations.info({ channel: channelId });
      if (channel?.is_member === false) return { refusal: renderSubscriptionRefusal("invite_first", ctx.render()) };
      const externallyShared = channel?.is_ext_shared === true || channel?.is_pending_ext_shared === true;
      if (!ctx.mayPostIn({ externallyShared })) return { refusal: renderSubscriptionRefusal("external_channel", ctx.render()) };
      return { externallyShared };
    } catch (error) {
      log.info({ channelId, err: error }, "subscriptions: conversations.info refused; the bot cannot see the channel");
      return { refusal: renderSubscriptionRefusal("invite_first", ctx.render()) };
    }
  };

  const subscribe = async (
    command: Extract<SubscriptionCommand, { kind: "subscribe" }>,
    asker: Asker,
    postInChannel: PostInChannel,
  ): Promise<SubscriptionReply> => {
    const ephemeral = (message: Message): SubscriptionReply => ({ message, visibility: "ephemeral" });
    const channelId = asker.channelId ?? "";
    const access = await ctx.access(asker);
    if (!access || asker.userId === undefined || asker.teamId === undefined) return ephemeral(renderAccessDenied(ctx.render()));
    const channel = await channelCheck(channelId);
    if ("refusal" in channel) return ephemeral(channel.refusal);
    const answer = ctx.answer(access);
    const found = await findProject(command.project, answer);
    if ("message" in found) return ephemeral(found.message);
    let recent: HistorySummary[];
    try {
      recent = await answer.api.listHistories(found.project.id, { pageSize: SUBSCRIPTION_PAGE_SIZE });
    } catch (error) {
      log.warn({ asker, projectId: found.project.id, err: error }, "subscriptions: listing the project failed");
      return ephemeral(renderError(error, ctx.render()));
    }
    const name = found.project.name || recent.find((h) => h.project.name !== "")?.project.name || "";
    const project = { id: found.project.id, name };
    if (!(await mayView(asker, project))) {
      log.warn({ asker, project }, "subscriptions: subscribe refused by the access policy");
      return ephemeral(renderAccessDenied(ctx.render()));
    }
    const existing = (await store.forChannel(channelId)).find((s) => s.projectId === project.id);
    if (!existing && (await store.count()) >= config.subscriptions.max) {
      log.warn({ asker, max: config.subscriptions.max }, "subscriptions: SUBSCRIPTIONS_MAX reached");
      return ephemeral(renderSubscriptionRefusal("limit", ctx.render(), config.subscriptions.max));
    }
    const newest = [...recent].sort((a, b) => compareHistoryIds(b.id, a.id))[0]?.id;
    const subscription: Subscription = {
      channelId,
      projectId: project.id,
      projectName: name,
      teamId: asker.teamId,
      stages: command.stages,
      failuresOnly: command.failuresOnly,
      createdBy: asker.userId,
      createdAt: Date.now(),
      ...(newest !== undefined ? { since: newest } : {}),
      externallyShared: channel.externallyShared,
    };
    try {
      await store.put(subscription);
      if (newest !== undefined && (await store.cursor(project.id)) === undefined) await store.setCursor(project.id, newest);
    } catch (error) {
      log.error({ asker, err: error }, "subscriptions: saving the subscription failed");
      return ephemeral(renderSubscriptionRefusal("save_failed", ctx.render()));
    }
    const confirmation = renderSubscribed(subscription, ctx.render());
    try {
      await postInChannel(confirmation);
    } catch (error) {
      const code = slackErrorCode(error);
      if (code !== undefined && PAUSING_ERRORS.has(code)) {
        await store.remove(channelId, project.id);
        return ephemeral(renderSubscriptionRefusal("invite_first", ctx.render()));
      }
      log.warn({ asker, err: error }, "subscriptions: posting the confirmation failed; it goes through the response_url");
      poller.ensure(project.id);
      return { message: confirmation, visibility: "channel" };
    }
    poller.ensure(project.id);
    log.info(
      { asker, projectId: project.id, stages: command.stages, failuresOnly: command.failuresOnly, replaced: existing !== undefined },
      "subscriptions: subscribed",
    );
    void state
      .appendAudit({
        actor: asker.userId,
        action: "subscription.add",
        subject: `${channelId}/${project.id}`,
        detail: { stages: command.stages, failuresOnly: command.failuresOnly },
      })
      .catch(() => undefined);
    return { message: confirmation, visibility: "posted" };
  };

  /** The channel's subscription a name or id names: the id, an exact (case-insensitive) name, or a unique prefix. */
  const findSubscription = (subscriptions: readonly Subscription[], command: Extract<SubscriptionCommand, { kind: "unsubscribe" }>) => {
    if (command.project.by === "id") {
      const id = command.project.id;
      return subscriptions.find((s) => s.projectId === id);
    }
    const wanted = command.project.name.toLowerCase();
    const exact = subscriptions.filter((s) => s.projectName.toLowerCase() === wanted);
    const prefixed = subscriptions.filter((s) => s.projectName.toLowerCase().startsWith(wanted));
    return exact.length === 1 ? exact[0] : prefixed.length === 1 ? prefixed[0] : undefined;
  };

  const remove = async (asker: Asker, subscription: Subscription): Promise<Message> => {
    await store.remove(subscription.channelId, subscription.projectId);
    log.info({ asker, projectId: subscription.projectId }, "subscriptions: unsubscribed");
    void state
      .appendAudit({
        actor: asker.userId ?? "",
        action: "subscription.remove",
        subject: `${subscription.channelId}/${subscription.projectId}`,
      })
      .catch(() => undefined);
    return renderUnsubscribed(subscription, asker.userId ?? "", ctx.render());
  };

  return {
    async command(command, asker, postInChannel) {
      const channelId = asker.channelId ?? "";
      if (command.kind === "subscribe") return subscribe(command, asker, postInChannel);
      if (!(await ctx.access(asker))) return { message: renderAccessDenied(ctx.render()), visibility: "ephemeral" };
      const subscriptions = await store.forChannel(channelId);
      if (command.kind === "subscriptions")
        return { message: renderSubscriptionList(subscriptions, ctx.render()), visibility: "ephemeral" };
      const found = findSubscription(subscriptions, command);
      if (!found) {
        const named = command.project.by === "id" ? command.project.id : command.project.name;
        return { message: renderNotSubscribed(named, ctx.render()), visibility: "ephemeral" };
      }
      return { message: await remove(asker, found), visibility: "channel" };
    },

    async unsubscribe(asker, projectId) {
      const channelId = asker.channelId ?? "";
      const found = (await store.forChannel(channelId)).find((s) => s.projectId === projectId);
      const notice = found && (await ctx.access(asker)) ? await remove(asker, found) : undefined;
      return { list: renderSubscriptionList(await store.forChannel(channelId), ctx.render()), ...(notice ? { notice } : {}) };
    },

    async home(asker) {
      const byProject = new Map<string, Subscription[]>();
      for (const subscription of await store.all()) {
        if (subscription.teamId !== asker.teamId) continue;
        const access = await ctx.access({ ...asker, channelId: subscription.channelId });
        const project = { id: subscription.projectId, name: subscription.projectName };
        if (!access || !allowed(access.decide(project))) continue;
        byProject.set(subscription.projectId, [...(byProject.get(subscription.projectId) ?? []), subscription]);
      }
      const entries: HomeEntry[] = [...byProject.entries()].map(([projectId, subscriptions]) => ({
        subscriptions,
        recent: poller.recent(projectId) ?? [],
      }));
      return renderAppHome(entries, ctx.render());
    },

    start: () => poller.start(),
    stats: async () => ({ subscriptions: await store.count(), ...poller.stats() }),
    close: () => poller.close(),
  };
}
