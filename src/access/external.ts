/**
 * Posting where another organisation reads along. People of every organisation in a Slack Connect
 * channel see what the app posts there, so deployment data (unfurls, mention replies, and any post
 * added later) goes to an externally shared channel only when UNFURL_EXTERNAL_CHANNELS=true.
 */

/** Where a post would land, as far as this decision needs to know. */
export interface PostTarget {
  /** Slack's `is_ext_shared_channel` of the event. */
  externallyShared: boolean;
}

/** Events API envelopes say whether their channel is shared with another organisation. */
export function postTargetOf(envelope: { is_ext_shared_channel?: boolean }): PostTarget {
  return { externallyShared: envelope.is_ext_shared_channel === true };
}

export function mayPostIn(target: PostTarget, postInExternalChannels: boolean): boolean {
  return !target.externallyShared || postInExternalChannels;
}
