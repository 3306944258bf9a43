import { describe, expect, it } from "vitest";
import { mayPostIn, postTargetOf } from "../../src/access/external.js";

describe("posting in externally shared channels (finding 7)", () => {
  it("finding 7: posts in an externally shared channel only when UNFURL_EXTERNAL_CHANNELS allows it", () => {
    const shared = postTargetOf({ is_ext_shared_channel: true });
    expect(mayPostIn(shared, false)).toBe(false);
    expect(mayPostIn(shared, true)).toBe(true);
  });

  it("posts in an internal channel, and in one whose envelope does not say it is shared", () => {
    expect(mayPostIn(postTargetOf({ is_ext_shared_channel: false }), false)).toBe(true);
    expect(mayPostIn(postTargetOf({}), false)).toBe(true);
  });
});
