import { describe, expect, it } from "vitest";
import { STATUS_GROUP_MEMBERS } from "../../src/ask/filter.js";
import { HISTORY_STATUSES } from "../../src/sourcedeploy/model.js";

describe("status words", () => {
  it("put every known SourceDeploy status in exactly one group, so no deployment escapes every status word", () => {
    const grouped = Object.values(STATUS_GROUP_MEMBERS).flat();
    expect([...grouped].sort()).toEqual([...HISTORY_STATUSES].sort());
  });
});
