/**
 * Channel subscriptions: the confirmation posted in the channel, the private list with an
 * Unsubscribe button per entry, refusals, the notes added to posted deployments, and App Home.
 */

import type { HistorySummary } from "../sourcedeploy/model.js";
import { ACTION_UNSUBSCRIBE_PREFIX, encodeProjectRef } from "./actions.js";
import { type Block, button, context, divider, header, LIMITS, type Message, section, totalTextLength } from "./blocks.js";
import { clampMrkdwn, isBlank, mrkdwn, userMention } from "./escape.js";
import { withDemo } from "./history.js";
import { type Catalogue, messages } from "./i18n.js";
import type { RenderOptions } from "./options.js";
import { historyStatus } from "./status.js";
import { dateToken, isValidDate } from "./time.js";

/** What a subscription message draws of a subscription (the state layer's `Subscription` is one). */
export interface SubscriptionView {
  channelId: string;
  projectId: string;
  projectName: string;
  stages: readonly string[];
  failuresOnly: boolean;
  createdBy: string;
  paused?: { reason: string; at: number } | undefined;
}

/** Slack's App Home view. */
export interface HomeView {
  type: "home";
  blocks: Block[];
}

export type SubscriptionRefusal = "invite_first" | "external_channel" | "limit" | "save_failed";

const NAME_MAX = 100;
/** Entries of the list (each a section with a button) and of App Home. */
export const MAX_LISTED_SUBSCRIPTIONS = 40;
const HOME_PROJECTS = 20;
const HOME_RECENT = 3;
/** Slack counts at most 12 000 characters of text; the demo notice needs some. */
const HOME_TEXT_BUDGET = LIMITS.totalText - 400;

function notice(text: string, options: RenderOptions, c: Catalogue): Message {
  return { text: clampMrkdwn(text, LIMITS.messageText), blocks: withDemo([section(text)], options, c) };
}

function nameOf(subscription: Pick<SubscriptionView, "projectName" | "projectId">): string {
  return mrkdwn(isBlank(subscription.projectName) ? subscription.projectId : subscription.projectName, NAME_MAX);
}

function whatOf(subscription: Pick<SubscriptionView, "projectName" | "projectId" | "stages">, c: Catalogue): string {
  return c.subscriptions.what(
    nameOf(subscription),
    subscription.stages.map((s) => mrkdwn(s, 60)),
  );
}

function channelToken(channelId: string): string {
  return /^[CGD][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : mrkdwn(channelId, 40);
}

export function renderSubscribed(subscription: SubscriptionView, options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(
    c.subscriptions.subscribed(whatOf(subscription, c), subscription.failuresOnly, userMention(subscription.createdBy)),
    options,
    c,
  );
}

export function renderUnsubscribed(subscription: SubscriptionView, userId: string, options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(c.subscriptions.unsubscribed(whatOf(subscription, c), userMention(userId)), options, c);
}

export function renderNotSubscribed(project: string, options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(`🤔 ${c.subscriptions.notSubscribed(mrkdwn(project.trim(), NAME_MAX))}`, options, c);
}

export function renderSubscriptionRefusal(reason: SubscriptionRefusal, options: RenderOptions, limit = 0): Message {
  const c = messages(options.locale).subscriptions;
  const text = {
    invite_first: `🚪 ${c.inviteFirst}`,
    external_channel: `🔒 ${c.externalChannel}`,
    limit: `🚫 ${c.limitReached(limit)}`,
    save_failed: `⚠️ ${c.saveFailed}`,
  }[reason];
  return notice(text, options, messages(options.locale));
}

function filterText(subscription: SubscriptionView, c: Catalogue): string {
  const stages =
    subscription.stages.length === 0
      ? c.subscriptions.everyStage
      : c.subscriptions.stages(subscription.stages.map((s) => mrkdwn(s, 60)).join(", "));
  return `${stages} · ${subscription.failuresOnly ? c.subscriptions.failuresOnly : c.subscriptions.everyDeployment}`;
}

/** This channel's subscriptions, each with an Unsubscribe button (its value is the project id). */
export function renderSubscriptionList(subscriptions: readonly SubscriptionView[], options: RenderOptions): Message {
  const c = messages(options.locale);
  const s = c.subscriptions;
  if (subscriptions.length === 0) return notice(`📭 ${s.listEmpty}`, options, c);
  const blocks: Block[] = [header(`📣 ${s.listHeading}`)];
  for (const [index, subscription] of subscriptions.slice(0, MAX_LISTED_SUBSCRIPTIONS).entries()) {
    const value = encodeProjectRef(subscription.projectId);
    const remove = value === undefined ? undefined : button(s.unsubscribeButton, `${ACTION_UNSUBSCRIBE_PREFIX}${index}`, { value });
    const lines = [`*${nameOf(subscription)}* · ${filterText(subscription, c)} · ${s.by(userMention(subscription.createdBy))}`];
    if (subscription.paused) lines.push(s.paused);
    blocks.push(section(lines.join("\n"), remove));
  }
  return { text: s.listText(subscriptions.length), blocks: withDemo(blocks, options, c) };
}

/** The message of a deployment posted after a restart, with a line saying it is late. */
export function withPostedLate(message: Message, options: RenderOptions): Message {
  if (message.blocks.length >= LIMITS.messageBlocks) return message;
  return { ...message, blocks: [...message.blocks, context([messages(options.locale).subscriptions.postedLate])] };
}

/** One line: how many new deployments of the project were not posted in one poll. */
export function renderSkipped(project: { id: string; name: string }, count: number, atLeast: boolean, options: RenderOptions): Message {
  const c = messages(options.locale);
  const name = mrkdwn(isBlank(project.name) ? project.id : project.name, NAME_MAX);
  const ref = /^[\p{L}\p{Nd}_.-]{1,100}$/u.test(project.name) ? project.name : project.id;
  return notice(c.subscriptions.skipped(count, atLeast, name, `/deploy-history ${mrkdwn(ref, 100)}`), options, c);
}

function recentLine(entry: HistorySummary, options: RenderOptions, c: Catalogue): string {
  const status = historyStatus(entry.status);
  const stage = isBlank(entry.stage.name) ? c.unnamed : mrkdwn(entry.stage.name, 60);
  const start = isValidDate(entry.startTime) ? dateToken(entry.startTime, options.timeZone) : c.notYet;
  return `${status.emoji} #${mrkdwn(entry.id, 40)} ${mrkdwn(status.label[options.locale], 40)} · ${stage} · ${start}`;
}

export interface HomeEntry {
  /** The subscriptions of one project the user may see. */
  subscriptions: SubscriptionView[];
  /** Its latest deployments, newest first (what the poller saw last); empty when none yet. */
  recent: HistorySummary[];
}

/** App Home: the subscriptions the user may see, grouped by project, and each project's latest deployments. */
export function renderAppHome(entries: readonly HomeEntry[], options: RenderOptions): HomeView {
  const c = messages(options.locale);
  const s = c.subscriptions;
  const blocks: Block[] = [header(`📣 ${s.homeHeading}`), context([s.homeIntro])];
  if (entries.length === 0) return { type: "home", blocks: [...blocks, section(s.homeEmpty)] };
  for (const entry of entries.slice(0, HOME_PROJECTS)) {
    const [first] = entry.subscriptions;
    if (!first) continue;
    const where = entry.subscriptions
      .slice(0, 10)
      .map((sub) => `• ${s.homeIn(channelToken(sub.channelId))} · ${filterText(sub, c)} · ${s.by(userMention(sub.createdBy))}`);
    const recent = entry.recent.slice(0, HOME_RECENT).map((h) => recentLine(h, options, c));
    const more = [
      divider(),
      section(`*${nameOf(first)}*\n${where.join("\n")}`),
      context([`${s.homeRecent(nameOf(first))}\n${recent.length === 0 ? s.homeNoRecent : recent.join("\n")}`]),
    ];
    if (totalTextLength([...blocks, ...more]) > HOME_TEXT_BUDGET) break;
    blocks.push(...more);
  }
  return { type: "home", blocks: withDemo(blocks, options, c) };
}
