/**
 * Listeners answer through `respond`, like Bolt's, but registration swaps Bolt's fetch-based one for
 * our undici response_url client (`respondTo`). A unit test passes its own recording `respond`.
 */
import { respondTo } from "../response-url.js";

/** Posts one payload to the request's response_url; throws when Slack refuses it (e.g. expired). */
export type Respond = (payload: object) => Promise<void>;

/** Bolt's listener arguments with our `respond` in place of Bolt's. */
export type WithRespond<Args> = Omit<Args, "respond"> & { respond: Respond };

/** A button in a modal has no response_url: answering it sends nothing. */
export function respondThroughResponseUrl<Args extends { body: { response_url?: string } }>(
  handler: (args: WithRespond<Args>) => Promise<void>,
): (args: Args) => Promise<void> {
  return (args) => {
    const url = args.body.response_url;
    const respond: Respond = url ? (payload) => respondTo(url, payload) : async () => undefined;
    return handler({ ...args, respond });
  };
}
