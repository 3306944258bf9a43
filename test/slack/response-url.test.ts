import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ResponseUrlError, respondTo } from "../../src/slack/response-url.js";
import { type FakeSlack, startFakeSlack } from "../fakes/slack-fake.js";

describe("respondTo", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());
  beforeEach(() => slack.reset());

  const sleep = () => vi.fn(async (_ms: number) => undefined);
  const statuses = () => slack.calls("response_url").map((c) => c.status);

  it("posts once when Slack accepts the payload", async () => {
    const wait = sleep();
    await respondTo(slack.responseUrl("ok"), { text: "hello" }, { sleep: wait });
    expect(slack.calls("response_url")).toMatchObject([{ id: "ok", body: { text: "hello" }, status: 200 }]);
    expect(wait).not.toHaveBeenCalled();
  });

  it("retries once after a 429, waiting the Retry-After it was given", async () => {
    slack.rateLimitNext("response_url", 3);
    const wait = sleep();
    await respondTo(slack.responseUrl("limited"), { text: "hello" }, { sleep: wait });
    expect(wait.mock.calls).toEqual([[3000]]);
    expect(statuses()).toEqual([429, 200]);
    expect(slack.calls("response_url")[1]!.body).toEqual({ text: "hello" });
  });

  it("gives up with a ResponseUrlError when the retry is rate limited too: two posts, never a third", async () => {
    slack.rateLimitNext("response_url", 1);
    slack.rateLimitNext("response_url", 1);
    const wait = sleep();
    const failure = respondTo(slack.responseUrl("twice"), { text: "hello" }, { sleep: wait });
    await expect(failure).rejects.toMatchObject({ name: "ResponseUrlError", status: 429 });
    expect(statuses()).toEqual([429, 429]);
    expect(wait).toHaveBeenCalledTimes(1);
  });

  it("does not hold a reply for a Retry-After longer than it is worth waiting", async () => {
    slack.rateLimitNext("response_url", 120);
    const wait = sleep();
    await expect(respondTo(slack.responseUrl("long"), { text: "hello" }, { sleep: wait })).rejects.toBeInstanceOf(ResponseUrlError);
    expect(statuses()).toEqual([429]);
    expect(wait).not.toHaveBeenCalled();
  });

  it("never retries an expired response_url (404)", async () => {
    slack.expireResponseUrl("gone");
    const wait = sleep();
    await expect(respondTo(slack.responseUrl("gone"), { text: "hello" }, { sleep: wait })).rejects.toMatchObject({
      data: { error: "expired_url" },
    });
    expect(statuses()).toEqual([404]);
    expect(wait).not.toHaveBeenCalled();
  });
});
