import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import fc from "fast-check";
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

  // The fallbacks are written from the zone's offset by hand; date-fns' format is the reference.
  const zones = [
    "UTC",
    "Asia/Seoul",
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
  ];
  const moments = fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }).map((ms) => new Date(ms));

  it("write the same fallback text as date-fns in every zone, half-hour and DST ones included", () => {
    fc.assert(
      fc.property(moments, fc.constantFrom(...zones), (date, zone) => {
        const unixTime = Math.floor(date.getTime() / 1000);
        expect(dateToken(date, zone)).toBe(
          `<!date^${unixTime}^{date_short_pretty} {time}|${format(date, "yyyy-MM-dd HH:mm zzz", { in: tz(zone) })}>`,
        );
        expect(timeToken(date, zone)).toBe(`<!date^${unixTime}^{time_secs}|${format(date, "HH:mm:ss", { in: tz(zone) })}>`);
      }),
      { numRuns: 2000 },
    );
  });

  it("write a half-hour zone's offset with its minutes", () => {
    expect(dateToken(start, "Asia/Kolkata")).toBe("<!date^1772600767^{date_short_pretty} {time}|2026-03-04 10:36 GMT+5:30>");
    expect(dateToken(start, "America/St_Johns")).toBe("<!date^1772600767^{date_short_pretty} {time}|2026-03-04 01:36 GMT-3:30>");
  });
});

describe("formatDuration", () => {
  const en = messages("en");
  const ko = messages("ko");
  it.each([
    [123, "2m 3s", "2분 3초"],
    [0, "0s", "0초"],
    [3605, "1h", "1시간"],
    [3725, "1h 2m", "1시간 2분"],
    [90061, "1d 1h", "1일 1시간"],
    [1_022_500, "11d 20h", "11일 20시간"], // 11 d 20 h 1 m 40 s: two units at most
    [59, "59s", "59초"],
    [86_400, "1d", "1일"],
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
