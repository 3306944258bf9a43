/** What Bolt hands a slash-command handler, with our own `respond` (see `../respond.ts`). */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { WithRespond } from "../respond.js";

export type SlashCommandArgs = WithRespond<AllMiddlewareArgs & SlackCommandMiddlewareArgs>;
