import { describe, expect, it } from "vitest";
import { messages } from "../../src/render/index.js";
import { agoToken, dateToken, formatDuration, formatSeconds, timeToken } from "../../src/render/time.js";

const start = new Date(1772600767000);
const after = (seconds: number) => new Date(start.getTime() + seconds * 1000);

describe("date tokens", () => {
  it("use the unix time and a fallback in the configured zone", () => {
    expect(dateToken(start, "Asia/Seoul")).toBe("<!date^1772600767^{date_short_pretty} {time}|2026-03-04 14:06 GMT+9>");
    expect(timeToken(start, "UTC")).toBe("<!date^1772600767^{time_secs}|05:06:07>");
  });

  it("show a live relative time whose fallback is the moment itself", () => {
    expect(agoToken(start, "Asia/Seoul")).toBe("<!date^1772600767^{ago}|2026-03-04 14:06 GMT+9>");
  });

  it("fall back to UTC for a zone that does not exist", () => {
    expect(timeToken(start, "Nowhere/City")).toBe("<!date^1772600767^{time_secs}|05:06:07>");
  });
});

describe("formatDuration", () => {
  const en = messages("en");
  const ko = messages("ko");
  it.each([
    [123, "2m 3s", "2분 3초"],
    [0, "0s", "0초"],
    [3605, "1h 5s", "1시간 5초"],
    [90061, "1d 1h 1m 1s", "1일 1시간 1분 1초"],
    [-10, "0s", "0초"],
  ])("%i seconds is %s / %s", (seconds, english, korean) => {
    expect(formatDuration(start, after(seconds), en)).toBe(english);
    expect(formatDuration(start, after(seconds), ko)).toBe(korean);
    expect(formatSeconds(seconds, en)).toBe(english);
  });

  it("treats seconds that are not finite as zero", () => {
    expect(formatSeconds(Number.NaN, en)).toBe("0s");
    expect(formatSeconds(Infinity, ko)).toBe("0초");
  });
});
