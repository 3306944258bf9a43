/**
 * A dated history list of shop-api (project 41027) placed relative to "now" in a time zone, with
 * the answers the plain-words questions must give. Used by the unit tests (fixed now) and the e2e
 * tests (the real clock: every entry is placed so it stays in its day whatever the time).
 */
import { tz } from "@date-fns/tz";
import { startOfDay } from "date-fns/startOfDay";
import type { DatedEntry } from "../fakes/sourcedeploy-fake.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;
export const PROD_WEB = { id: 5183, name: "prod-web" };
export const PROD_ASG = { id: 5190, name: "prod-asg" };

export const IDS = {
  running: "990010",
  yesterdayFail: "990009",
  yesterdaySuccess: "990008",
  threeDaysFail: "990007",
  threeDaysSuccess: "990006",
  fiveDaysSuccess: "990005",
  sixDaysCanceled: "990004",
  eightDaysFail: "990003",
  nineDaysSuccess: "990002",
  twelveDaysSuccess: "990001",
} as const;

/** `fillers` old successes of prod-asg, an hour apart, from 15 days back: they make the list long. */
export function datedEntries(now: number, timeZone: string, fillers = 350): DatedEntry[] {
  const today = startOfDay(new Date(now), { in: tz(timeZone) }).getTime();
  const day = (daysBack: number, hours: number) => today - daysBack * 24 * HOUR + hours * HOUR;
  const done = (id: string, status: string, stage: DatedEntry["stage"], start: number, minutes: number): DatedEntry => ({
    id,
    status,
    stage,
    startTime: start,
    endTime: start + minutes * MINUTE,
  });
  const entries: DatedEntry[] = [
    // Halfway between midnight and now: today, whenever the test runs.
    { id: IDS.running, status: "inprogress", stage: PROD_WEB, startTime: Math.floor((today + now) / 2) },
    done(IDS.yesterdayFail, "fail", PROD_WEB, day(1, 10), 5),
    done(IDS.yesterdaySuccess, "success", PROD_ASG, day(1, 14), 3),
    done(IDS.threeDaysFail, "fail", PROD_ASG, day(3, 9), 2),
    done(IDS.threeDaysSuccess, "success", PROD_WEB, day(3, 11), 4),
    done(IDS.fiveDaysSuccess, "success", PROD_WEB, day(5, 8), 6),
    done(IDS.sixDaysCanceled, "canceled", PROD_WEB, day(6, 8), 1),
    done(IDS.eightDaysFail, "fail", PROD_WEB, day(8, 9), 10),
    done(IDS.nineDaysSuccess, "success", PROD_WEB, day(9, 9), 2),
    done(IDS.twelveDaysSuccess, "success", PROD_WEB, day(12, 9), 2),
  ];
  for (let i = 0; i < fillers; i++) entries.push(done(String(980000 + i), "success", PROD_ASG, day(15, 0) - i * HOUR, 3));
  return entries.sort((a, b) => b.startTime - a.startTime);
}

/** What the examples must answer, newest first. */
export const EXPECTED = {
  failed7d: [IDS.yesterdayFail, IDS.threeDaysFail],
  prodWebRunning: [IDS.running],
  yesterday: [IDS.yesterdaySuccess, IDS.yesterdayFail],
} as const;
