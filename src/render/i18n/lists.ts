/** Lists, the targets modal, project lookups and answers to questions in plain words (ask, stats, diff). Korean in NAVER Cloud's SourceDeploy terms beside English. */
import type { StatusGroup } from "../../command.js";
import type { Locale } from "../../config.js";

export interface ListTexts {
  list: {
    heading: (project: string) => string;
    text: (project: string, count: number) => string;
    empty: (project: string) => string;
    more: (count: number) => string;
  };
  modal: {
    title: string;
    close: string;
    heading: (title: string, total: number) => string;
    page: (page: number, pages: number) => string;
  };
  projects: {
    heading: (filter: string | undefined) => string;
    text: (count: number) => string;
    empty: (filter: string | undefined) => string;
    more: (count: number) => string;
    line: (name: string, id: string) => string;
    notFound: (name: string) => string;
    ambiguous: (name: string, count: number) => string;
    ambiguousHint: string;
  };
  /** A search in plain words (`shop-api failed 7d`); dates come in as Slack date tokens, names escaped. */
  ask: {
    statusWord: Record<StatusGroup, string>;
    range: {
      today: string;
      yesterday: string;
      thisWeek: string;
      hours: (hours: number) => string;
      days: (days: number) => string;
      since: (date: string) => string;
      on: (date: string) => string;
    };
    stages: (names: string) => string;
    count: (count: number) => string;
    heading: (project: string) => string;
    text: (project: string, count: number) => string;
    searched: (parts: string) => string;
    none: string;
    read: (pages: number, entries: number, oldest: string | undefined) => string;
    /** Reading stopped before the question was answered: the page cap or the upstream limits. */
    stoppedAtCap: (pages: number) => string;
    stoppedLimited: string;
    more: (count: number) => string;
    unknownText: string;
    unknown: (words: string) => string;
    didYouMean: (word: string, suggestion: string) => string;
    knownWords: string;
  };
  stats: {
    heading: (project: string, days: number) => string;
    text: (project: string, days: number, total: number) => string;
    stages: (names: string) => string;
    total: (count: number) => string;
    byStatus: string;
    successRate: (percent: number, succeeded: number, finished: number) => string;
    noneFinished: string;
    durations: (median: string, p90: string, count: number) => string;
    noDurations: string;
    perDay: (chart: string, first: string, last: string) => string;
    change: (days: number, total: number, before: number, delta: string) => string;
    rateChange: (now: string, before: string, points: string) => string;
    partial: string;
  };
  diff: {
    heading: (id: string, against: string) => string;
    text: (id: string, against: string) => string;
    lastSuccess: (id: string) => string;
    other: (id: string) => string;
    change: (field: string, then: string, now: string) => string;
    same: (fields: string) => string;
    added: (names: string) => string;
    removed: (names: string) => string;
    regressed: (names: string) => string;
    nothing: string;
    noSuccess: (stage: string, entries: number) => string;
    none: string;
  };
  /** "Did you mean …?" after a project name that matched nothing. */
  projectSuggestion: (name: string) => string;
}

const deployments = (count: number) => (count === 1 ? "1 deployment" : `${count} deployments`);

export const listsTexts: Record<Locale, ListTexts> = {
  ko: {
    list: {
      heading: (project) => `최근 배포: ${project}`,
      text: (project, count) => `최근 배포 ${count}건: ${project}`,
      empty: (project) => `아직 배포 이력이 없습니다: ${project}`,
      more: (count) => `…이전 배포 ${count}건은 표시하지 않았습니다.`,
    },
    modal: {
      title: "전체 배포 타겟",
      close: "닫기",
      heading: (title, total) => `${title} · 배포 타겟 ${total}개`,
      page: (page, pages) => `${pages}쪽 중 ${page}쪽`,
    },
    projects: {
      heading: (filter) => (filter === undefined ? "SourceDeploy 프로젝트" : `SourceDeploy 프로젝트 검색: “${filter}”`),
      text: (count) => `SourceDeploy 프로젝트 ${count}개`,
      empty: (filter) => (filter === undefined ? "아직 SourceDeploy 프로젝트가 없습니다." : `일치하는 프로젝트가 없습니다: “${filter}”`),
      more: (count) => `…외 ${count}개. \`/deploy-history projects &lt;filter&gt;\`로 범위를 좁혀 보세요.`,
      line: (name, id) => `*${name}* · ID \`${id}\``,
      notFound: (name) => `이 이름의 프로젝트가 없습니다: “${name}”. \`/deploy-history projects\`로 전체 목록을 확인하세요.`,
      ambiguous: (name, count) => `일치하는 프로젝트가 ${count}개 있습니다: “${name}”. 어느 것인가요?`,
      ambiguousHint: "프로젝트 ID를 사용하세요. 예: `/deploy-history 41027`",
    },
    ask: {
      statusWord: { failed: "실패", running: "진행 중", succeeded: "성공", canceled: "취소", waiting: "대기" },
      range: {
        today: "오늘",
        yesterday: "어제",
        thisWeek: "이번 주",
        hours: (hours) => `최근 ${hours}시간`,
        days: (days) => `최근 ${days}일`,
        since: (date) => `시작: ${date} 이후`,
        on: (date) => `날짜: ${date}`,
      },
      stages: (names) => `스테이지: ${names}`,
      count: (count) => `최근 ${count}건`,
      heading: (project) => `배포 검색: ${project}`,
      text: (project, count) => `조건에 맞는 배포 ${count}건: ${project}`,
      searched: (parts) => `🔎 검색 조건: ${parts}`,
      none: "조건에 맞는 배포가 없습니다.",
      read: (pages, entries, oldest) =>
        `배포 목록 ${pages}쪽(배포 ${entries}건)을 읽었습니다${oldest === undefined ? "" : ` — 가장 오래된 배포: ${oldest}`}.`,
      stoppedAtCap: (pages) => `⚠️ 질문당 읽을 수 있는 ${pages}쪽에서 멈췄습니다. 그보다 이전의 배포는 검색하지 않았습니다.`,
      stoppedLimited: "⚠️ 지금은 SourceDeploy 조회가 제한되어 중간에 멈췄습니다. 그보다 이전의 배포는 검색하지 않았습니다.",
      more: (count) => `…조건에 맞는 배포 ${count}건은 표시하지 않았습니다.`,
      unknownText: "이해하지 못한 단어가 있습니다.",
      unknown: (words) => `🤔 알 수 없는 단어: ${words}`,
      didYouMean: (word, suggestion) => `${word}: 혹시 이 단어인가요? ${suggestion}`,
      knownWords:
        "사용할 수 있는 단어: 상태(실패, 진행 중, 성공, 취소, 승인 대기), 스테이지 이름, 기간(오늘, 어제, 이번 주, 24h, 7일, 30일, 2026-11-01 이후), 개수(5, 최근 20)",
    },
    stats: {
      heading: (project, days) => `배포 통계: ${project} · 최근 ${days}일`,
      text: (project, days, total) => `최근 ${days}일 배포 ${total}건: ${project}`,
      stages: (names) => `스테이지: ${names}`,
      total: (count) => `*배포 ${count}건*`,
      byStatus: "상태별",
      successRate: (percent, succeeded, finished) => `*성공률* ${percent}% (완료 ${finished}건 중 성공 ${succeeded}건)`,
      noneFinished: "*성공률* — (완료된 배포 없음)",
      durations: (median, p90, count) => `*소요 시간* 중앙값 ${median} · p90 ${p90} (배포 ${count}건)`,
      noDurations: "*소요 시간* — (목록에 종료 시각이 없음)",
      perDay: (chart, first, last) => `*일별 배포* \`${chart}\` (${first} → ${last})`,
      change: (days, total, before, delta) => `*직전 ${days}일 대비*: 배포 ${total}건 (이전 ${before}건, ${delta})`,
      rateChange: (now, before, points) => `성공률 ${now} (이전 ${before}, ${points}%p)`,
      partial: "⚠️ 직전 기간의 처음까지 목록을 읽지 못해 직전 기간 수치는 일부입니다.",
    },
    diff: {
      heading: (id, against) => `변경 사항: #${id} · 비교 대상 #${against}`,
      text: (id, against) => `변경 사항: #${id} · 비교 대상 #${against}`,
      lastSuccess: (id) => `이 스테이지의 마지막 성공 배포와 비교: #${id}`,
      other: (id) => `비교 대상: #${id}`,
      change: (field, then, now) => `*${field}*: ${then} → ${now}`,
      same: (fields) => `변경 없음: ${fields}`,
      added: (names) => `*추가된 배포 타겟*: ${names}`,
      removed: (names) => `*제외된 배포 타겟*: ${names}`,
      regressed: (names) => `❌ *이번에 실패, 그때는 성공*: ${names}`,
      nothing: "스테이지, 시나리오, 배포 전략, 배포 파일, 배포 타겟에 차이가 없습니다.",
      noSuccess: (stage, entries) => `읽은 배포 ${entries}건 중 이 스테이지의 이전 성공 배포가 없습니다. 스테이지: ${stage}`,
      none: "(없음)",
    },
    projectSuggestion: (name) => `혹시 이 프로젝트인가요? ${name}`,
  },
  en: {
    list: {
      heading: (project) => `Recent deployments of ${project}`,
      text: (project, count) => `${count} recent deployments of ${project}`,
      empty: (project) => `No deployments yet in ${project}.`,
      more: (count) => `…and ${count} older deployments not shown.`,
    },
    modal: {
      title: "All targets",
      close: "Close",
      heading: (title, total) => `${title} · ${total} targets`,
      page: (page, pages) => `Page ${page} of ${pages}`,
    },
    projects: {
      heading: (filter) => (filter === undefined ? "SourceDeploy projects" : `SourceDeploy projects matching “${filter}”`),
      text: (count) => `${count} SourceDeploy projects`,
      empty: (filter) => (filter === undefined ? "There are no SourceDeploy projects yet." : `No projects match “${filter}”.`),
      more: (count) => `…and ${count} more. Narrow the list with \`/deploy-history projects &lt;filter&gt;\`.`,
      line: (name, id) => `*${name}* · id \`${id}\``,
      notFound: (name) => `No project named “${name}”. Try \`/deploy-history projects\` to see them all.`,
      ambiguous: (name, count) => `“${name}” matches ${count} projects. Which one?`,
      ambiguousHint: "Use the project id, e.g. `/deploy-history 41027`.",
    },
    ask: {
      statusWord: { failed: "failed", running: "running", succeeded: "succeeded", canceled: "canceled", waiting: "waiting" },
      range: {
        today: "today",
        yesterday: "yesterday",
        thisWeek: "this week",
        hours: (hours) => `last ${hours} ${hours === 1 ? "hour" : "hours"}`,
        days: (days) => `last ${days} ${days === 1 ? "day" : "days"}`,
        since: (date) => `since ${date}`,
        on: (date) => `on ${date}`,
      },
      stages: (names) => `stage ${names}`,
      count: (count) => `the ${count} newest`,
      heading: (project) => `Deployments of ${project}`,
      text: (project, count) => `${count} matching deployments of ${project}`,
      searched: (parts) => `🔎 Searched: ${parts}`,
      none: "No deployments match.",
      read: (pages, entries, oldest) =>
        `Read ${pages} ${pages === 1 ? "page" : "pages"} of the list (${deployments(entries)})${oldest === undefined ? "" : `, back to ${oldest}`}.`,
      stoppedAtCap: (pages) => `⚠️ Stopped early at the limit of ${pages} pages per question: older deployments were not searched.`,
      stoppedLimited: "⚠️ Stopped early: SourceDeploy lookups are limited right now, so older deployments were not searched.",
      more: (count) => `…and ${count} more matching deployments not shown.`,
      unknownText: "Some words were not understood.",
      unknown: (words) => `🤔 I don't know these words: ${words}.`,
      didYouMean: (word, suggestion) => `${word}: did you mean ${suggestion}?`,
      knownWords:
        "I know: a status (failed, running, succeeded, canceled, waiting), a stage name, a time (today, yesterday, this week, 24h, 7d, 30d, since 2026-11-01) and a count (5, last 20).",
    },
    stats: {
      heading: (project, days) => `Stats of ${project} · last ${days} ${days === 1 ? "day" : "days"}`,
      text: (project, days, total) => `${deployments(total)} of ${project} in the last ${days} ${days === 1 ? "day" : "days"}`,
      stages: (names) => `Stage: ${names}`,
      total: (count) => `*${deployments(count)}*`,
      byStatus: "By status",
      successRate: (percent, succeeded, finished) => `*Success rate* ${percent}% (${succeeded} of ${finished} finished)`,
      noneFinished: "*Success rate* — (none finished)",
      durations: (median, p90, count) => `*Duration* median ${median} · p90 ${p90} (${deployments(count)})`,
      noDurations: "*Duration* — (the list reports no end times)",
      perDay: (chart, first, last) => `*Per day* \`${chart}\` (${first} → ${last})`,
      change: (days, total, before, delta) =>
        `*vs the previous ${days} ${days === 1 ? "day" : "days"}*: ${deployments(total)} (was ${before}, ${delta})`,
      rateChange: (now, before, points) => `success rate ${now} (was ${before}, ${points} pts)`,
      partial: "⚠️ The list was not read back to the start of the previous period, so its figures are partial.",
    },
    diff: {
      heading: (id, against) => `What changed: #${id} vs #${against}`,
      text: (id, against) => `What changed between #${id} and #${against}`,
      lastSuccess: (id) => `Compared with the last success in this stage: #${id}`,
      other: (id) => `Compared with #${id}`,
      change: (field, then, now) => `*${field}*: ${then} → ${now}`,
      same: (fields) => `Unchanged: ${fields}`,
      added: (names) => `*Targets added*: ${names}`,
      removed: (names) => `*Targets removed*: ${names}`,
      regressed: (names) => `❌ *Failed now, succeeded then*: ${names}`,
      nothing: "No differences in stage, scenario, strategy, file or targets.",
      noSuccess: (stage, entries) => `No earlier successful deployment of stage ${stage} among the ${deployments(entries)} read.`,
      none: "(none)",
    },
    projectSuggestion: (name) => `Did you mean ${name}?`,
  },
};
