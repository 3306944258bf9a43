/**
 * "Show all targets": every target of a history, several per section, paged, the failure first
 * (failed, running, then the rest, each group in the API's order). Paging is by a fixed number of
 * targets so a page is computed from the history alone.
 */
import type { History } from "../sourcedeploy/model.js";
import { ACTION_TARGETS_NEXT, ACTION_TARGETS_PREVIOUS, encodeTargetsPageRef, TARGETS_MODAL_CALLBACK_ID } from "./actions.js";
import { actions, type Block, type Button, button, context, divider, LIMITS, type ModalView, plainText, section } from "./blocks.js";
import { mrkdwn } from "./escape.js";
import { headlineOf, singleSteps, whereOf, withDemo } from "./history.js";
import type { RenderOptions } from "./options.js";
import { settled } from "./settle.js";
import { compactTarget, prioritize, renderContext, statusCounts, stepsLine } from "./targets.js";

/** Compact lines are at most ~220 characters, so a page stays well under the text limits. */
export const TARGETS_PER_PAGE = 40;
export const TARGETS_PER_SECTION = 5;

export function pageCount(history: History): number {
  return history.targetShape === "single" ? 1 : Math.max(1, Math.ceil(history.targets.length / TARGETS_PER_PAGE));
}

function metadata(history: History, page: number): string {
  const full = JSON.stringify({ projectId: history.project.id, historyId: history.id, page });
  return full.length <= LIMITS.privateMetadata ? full : JSON.stringify({ page });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function pageButtons(history: History, page: number, pages: number, options: RenderOptions): Button[] {
  const c = renderContext(options.locale, options.timeZone).c;
  const at = (p: number) => encodeTargetsPageRef({ projectId: history.project.id, historyId: history.id, page: p });
  const previous = page > 0 ? at(page - 1) : undefined;
  const next = page < pages - 1 ? at(page + 1) : undefined;
  return [
    previous === undefined ? undefined : button(c.button.previous, ACTION_TARGETS_PREVIOUS, { value: previous }),
    next === undefined ? undefined : button(c.button.next, ACTION_TARGETS_NEXT, { value: next }),
  ].filter((b): b is Button => b !== undefined);
}

/** `page` is 0-based and clamped to the pages that exist. */
export function renderTargetsModal(raw: History, page: number, options: RenderOptions): ModalView {
  const history = settled(raw);
  const ctx = renderContext(options.locale, options.timeZone, history.targetShape);
  const c = ctx.c;
  const pages = pageCount(history);
  const current = Number.isInteger(page) ? Math.min(Math.max(page, 0), pages - 1) : 0;
  const title = headlineOf(history, options, mrkdwn, { detail: false });
  const heading = section(`*${c.modal.heading(title, history.targets.length)}*\n${whereOf(history, c)}`);

  let body: Block[];
  if (history.targetShape === "single") {
    body = [section(history.steps === undefined ? c.noTargets : stepsLine(history.steps, singleSteps(history), ctx))];
  } else if (history.targets.length === 0) {
    body = [section(c.noTargets)];
  } else {
    const slice = prioritize(history.targets).slice(current * TARGETS_PER_PAGE, (current + 1) * TARGETS_PER_PAGE);
    body = [
      context([statusCounts(history.targets, ctx)]),
      divider(),
      ...chunks(slice, TARGETS_PER_SECTION).map((group) => section(group.map((t) => compactTarget(t, ctx)).join("\n"))),
    ];
  }
  const nav = pageButtons(history, current, pages, options);
  const footer: Block[] =
    pages > 1 ? [context([c.modal.page(current + 1, pages)]), ...(nav.length > 0 ? [actions("targets_pages", nav)] : [])] : [];
  return {
    type: "modal",
    callback_id: TARGETS_MODAL_CALLBACK_ID,
    title: plainText(c.modal.title, LIMITS.modalTitle),
    close: plainText(c.modal.close, LIMITS.modalTitle),
    private_metadata: metadata(history, current),
    blocks: withDemo([heading, ...body, ...footer], options, c),
  };
}
