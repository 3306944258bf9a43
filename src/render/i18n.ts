/**
 * Every user-visible string, in Korean and English, one file per surface under `i18n/` (each holds
 * ko and en side by side). Values that come from the API are passed in already escaped (or as plain
 * text for plain_text fields); the catalogue never escapes them. mrkdwn strings write a literal `<`
 * as `&lt;`; `help.examples` commands are plain and escaped when rendered.
 *
 * Korean is in NAVER Cloud's own words (the SourceDeploy API page): 배포 타겟, 배포 전 / 파일 배포 /
 * 배포 후, 에이전트 응답 대기 중 … A value from the API never takes a particle that depends on its
 * last syllable (을/를, 은/는, 와/과): it follows a colon or a particle that fits any word.
 */
import type { Locale } from "../config.js";
import { type ActionTexts, actionsTexts } from "./i18n/actions.js";
import { type DetailTexts, detailTexts } from "./i18n/detail.js";
import { type ErrorTexts, errorsTexts } from "./i18n/errors.js";
import { type ListTexts, listsTexts } from "./i18n/lists.js";
import { type SubscriptionSurfaceTexts, subscriptionsTexts } from "./i18n/subscriptions.js";

export type { DurationUnits, SettledStatus } from "./i18n/detail.js";
export type { SubscriptionTexts } from "./i18n/subscriptions.js";

/** The whole catalogue of one language: every surface's strings in one object. */
export type Catalogue = DetailTexts & ListTexts & ActionTexts & SubscriptionSurfaceTexts & ErrorTexts;

function catalogueOf(locale: Locale): Catalogue {
  return {
    ...detailTexts[locale],
    ...listsTexts[locale],
    ...actionsTexts[locale],
    ...subscriptionsTexts[locale],
    ...errorsTexts[locale],
  };
}

const CATALOGUES: Record<Locale, Catalogue> = { en: catalogueOf("en"), ko: catalogueOf("ko") };

export function messages(locale: Locale): Catalogue {
  return CATALOGUES[locale];
}
