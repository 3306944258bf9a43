import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import type { History, Steps } from "../../src/sourcedeploy/model.js";
import {
  parseDeployStarted,
  parseErrorBody,
  parseHistory,
  parseHistoryList,
  parseProjectList,
  parseScenarioList,
  parseStageList,
  parseWriteResult,
} from "../../src/sourcedeploy/schemas.js";
import { readFixture } from "../support/fixtures.js";

const fixture = (name: string): unknown => readFixture(name);

function unwrap(body: unknown): Record<string, unknown> {
  const record = body as Record<string, unknown>;
  return (record.result ?? record) as Record<string, unknown>;
}

/** Both envelopes of a history fixture: [flat, wrapped]. */
function bothEnvelopes(name: string): [string, unknown][] {
  const flat = unwrap(fixture(name));
  return [
    ["flat", flat],
    ["wrapped", { result: flat }],
  ];
}

/** A minimal valid history to vary in the tolerance tests. */
function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 1, project: { id: 2, name: "p" }, status: "success", ...overrides };
}

function parseError(body: unknown, parse: (b: unknown) => unknown = parseHistory): SourceDeployError {
  try {
    parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceDeployError);
    return error as SourceDeployError;
  }
  throw new Error("expected a SourceDeployError");
}

const ms = (iso: string) => new Date(iso).getTime();

/** Mostly plausible values, sometimes any JSON at all: random bodies that often still parse. */
const mostly = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ arbitrary: plausible, weight: 9 }, { arbitrary: fc.jsonValue(), weight: 1 });
const anyTimestamp = mostly(fc.oneof(fc.nat({ max: 2_000_000_000_000 }), fc.nat().map(String), fc.constant(null)));
const anyStepStatus = mostly(fc.constantFrom("success", "succss", "fail", "inprogress", " Paused "));
const anySteps = {
  time: mostly(fc.record({ pre: anyTimestamp, deploy: anyTimestamp, post: anyTimestamp }, { requiredKeys: [] })),
  step: mostly(fc.record({ pre: anyStepStatus, deploy: anyStepStatus, post: anyStepStatus }, { requiredKeys: [] })),
};
const anyTarget = fc.record(
  {
    server: mostly(fc.record({ no: mostly(fc.nat()), name: mostly(fc.string()) }, { requiredKeys: [] })),
    status: mostly(fc.constantFrom("success", "fail", "no progress", "pending", "Deploy")),
    ...anySteps,
  },
  { requiredKeys: [] },
);
const anyConfig = fc.record(
  {
    strategy: mostly(fc.string()),
    file: mostly(fc.record({ selected: fc.string(), file: fc.string(), type: fc.string() }, { requiredKeys: [] })),
    autoScalingGroup: mostly(fc.record({ no: fc.nat(), name: fc.string() }, { requiredKeys: [] })),
    backupFile: mostly(fc.string()),
    targets: mostly(
      fc.oneof(fc.array(fc.oneof(anyTarget, fc.constant(null)), { maxLength: 4 }), fc.record(anySteps, { requiredKeys: [] })),
    ),
  },
  { requiredKeys: [] },
);
const anyHistory = fc.record(
  {
    id: mostly(fc.oneof(fc.nat(), fc.nat().map(String))),
    project: mostly(fc.record({ id: mostly(fc.nat()), name: mostly(fc.string()) }, { requiredKeys: ["id"] })),
    stage: mostly(fc.record({ id: fc.nat(), name: fc.string() })),
    status: mostly(fc.constantFrom("success", "FAIL", "canary_analyzing", "brand_new")),
    type: mostly(fc.constantFrom("Server", "AutoScalingGroup", "Kuberneteservice", "ObjectStroage", "THisotryKubernetesService", "Other")),
    startTime: anyTimestamp,
    endTime: anyTimestamp,
    strategy: mostly(fc.string()),
    config: mostly(fc.oneof(anyConfig, fc.array(fc.oneof(anyConfig, fc.constant(null)), { maxLength: 3 }))),
  },
  { requiredKeys: ["id", "project", "status"] },
);
function isWellFormed(h: History): boolean {
  const validDate = (d: Date | undefined) => d === undefined || (d instanceof Date && !Number.isNaN(d.getTime()));
  const validSteps = (steps: Steps) =>
    Object.entries(steps).every(
      ([name, step]) =>
        ["pre", "deploy", "post"].includes(name) && (step.status !== undefined || step.time !== undefined) && validDate(step.time),
    );
  const shapeOk =
    h.targetShape === "single" ? h.targets.length === 0 && h.steps !== undefined && validSteps(h.steps) : h.steps === undefined;
  return (
    h.id !== "" &&
    h.project.id !== "" &&
    h.status !== "" &&
    validDate(h.startTime) &&
    validDate(h.endTime) &&
    shapeOk &&
    h.targets.every((t) => typeof t.name === "string" && typeof t.status === "string" && validSteps(t.steps))
  );
}

const historyLikeBody = fc.oneof(
  fc.jsonValue(),
  anyHistory,
  anyHistory.map((result) => ({ result })),
);

describe("parseHistory: fixtures", () => {
  describe.each(bothEnvelopes("server-fail.json"))("server-fail (%s)", (_envelope, body) => {
    const h = parseHistory(body);

    it("reads the header fields", () => {
      expect(h.id).toBe("903344");
      expect(h.project).toEqual({ id: "41027", name: "shop-api" });
      expect(h.stage).toEqual({ id: "5183", name: "prod-web" });
      expect(h.scenario).toEqual({ id: "7712", name: "web-release-sequential" });
      expect(h.status).toBe("fail");
      expect(h.executor).toBe("hyejin.park");
      expect(h.startTime?.getTime()).toBe(1772600767000);
      expect(h.endTime?.getTime()).toBe(1772600890000);
      expect(h.type).toBe("Server");
      expect(h.rawType).toBe("Server");
    });

    it("takes config from the array's first element", () => {
      expect(h.config).toEqual({ strategy: "normal", file: { name: "shop-api-build", type: "SourceBuild" } });
      expect(h.targetShape).toBe("servers");
      expect(h.steps).toBeUndefined();
    });

    it("reads three targets; steps that never ran are absent", () => {
      expect(h.targets.map((t) => [t.name, t.serverNo, t.status])).toEqual([
        ["web-01", "21880451", "success"],
        ["web-02", "21880452", "fail"],
        ["web-03", "21880453", "no progress"],
      ]);
      expect(h.targets[0]?.steps).toEqual({
        pre: { status: "success", time: new Date(1772600769000) },
        deploy: { status: "success", time: new Date(1772600791000) },
        post: { status: "success", time: new Date(1772600822000) },
      });
      expect(h.targets[1]?.steps).toEqual({
        pre: { status: "success", time: new Date(1772600825000) },
        deploy: { status: "fail", time: new Date(1772600844000) },
      });
      expect(h.targets[1]?.steps).not.toHaveProperty("post");
      expect(h.targets[2]?.steps).toEqual({});
    });
  });

  describe.each(bothEnvelopes("server-inprogress.wrapped.json"))("server-inprogress (%s)", (_envelope, body) => {
    const h = parseHistory(body);

    it("reads string ids, null endTime and file.file", () => {
      expect(h.id).toBe("904611");
      expect(h.status).toBe("inprogress");
      expect(h.startTime?.getTime()).toBe(1772978400000);
      expect(h.endTime).toBeUndefined();
      expect(h).not.toHaveProperty("endTime");
      expect(h.config.file).toEqual({ name: "shop-api-build", type: "SourceBuild" });
      expect(h.config.strategy).toBe("normal");
    });

    it("reads running, standby and pending targets, including one with no time/step", () => {
      expect(h.targets.map((t) => [t.name, t.serverNo, t.status])).toEqual([
        ["web-01", "21880451", "success"],
        ["web-02", "21880452", "deploy"],
        ["web-03", "21880453", "standby"],
        ["web-04", "21880454", "pending"],
      ]);
      expect(h.targets[1]?.steps).toEqual({
        pre: { status: "success", time: new Date(1772978467000) },
        deploy: { status: "inprogress", time: new Date(1772978500000) },
      });
      expect(h.targets[2]?.steps).toEqual({});
      expect(h.targets[3]?.steps).toEqual({});
    });
  });

  describe.each(bothEnvelopes("asg-bluegreen.json"))("asg-bluegreen (%s)", (_envelope, body) => {
    const h = parseHistory(body);

    it("reads an AutoScalingGroup with config as an object", () => {
      expect(h.id).toBe("903501");
      expect(h.project).toEqual({ id: "41027", name: "shop-api" });
      expect(h.stage).toEqual({ id: "5190", name: "prod-asg" });
      expect(h.status).toBe("success");
      expect(h.executor).toBe("minsu.kang");
      expect(h.type).toBe("AutoScalingGroup");
      expect(h.startTime?.getTime()).toBe(1772672400000);
      expect(h.endTime?.getTime()).toBe(1772672800000);
      expect(h.config).toEqual({
        strategy: "blueGreen",
        autoScalingGroup: { no: "880211", name: "shop-api-green" },
        file: { name: "releases/shop-api-2.14.0.zip", type: "ObjectStorage" },
      });
      expect(h.targetShape).toBe("servers");
    });

    it("reads both servers with all three steps", () => {
      expect(h.targets.map((t) => [t.name, t.serverNo, t.status])).toEqual([
        ["shop-api-green-7f3a", "21990101", "success"],
        ["shop-api-green-9c1d", "21990102", "success"],
      ]);
      expect(h.targets[1]?.steps.post).toEqual({ status: "success", time: new Date(1772672800000) });
    });
  });

  describe.each(bothEnvelopes("k8s-canary.json"))("k8s-canary (%s)", (_envelope, body) => {
    const h = parseHistory(body);

    it("reads a KubernetesService as a single target with steps", () => {
      expect(h.id).toBe("904120");
      expect(h.project).toEqual({ id: "41100", name: "catalog-svc" });
      expect(h.status).toBe("canary_analyzing");
      expect(h.executor).toBe("ops-bot-subaccount");
      expect(h.type).toBe("KubernetesService");
      expect(h.startTime?.getTime()).toBe(1772785800000);
      expect(h.endTime).toBeUndefined();
      expect(h.config).toEqual({ strategy: "canary" });
      expect(h.targetShape).toBe("single");
      expect(h.targets).toEqual([]);
      expect(h.steps).toEqual({
        pre: { status: "success", time: new Date(1772785803000) },
        deploy: { status: "inprogress", time: new Date(1772785840000) },
      });
    });
  });

  describe.each(bothEnvelopes("objectstorage.json"))("objectstorage (%s)", (_envelope, body) => {
    const h = parseHistory(body);

    it("reads an ObjectStorage upload with its backup file", () => {
      expect(h.id).toBe("904388");
      expect(h.project).toEqual({ id: "41152", name: "storefront-web" });
      expect(h.scenario).toEqual({ id: "7850", name: "upload-static-assets" });
      expect(h.status).toBe("success");
      expect(h.type).toBe("ObjectStorage");
      expect(h.startTime?.getTime()).toBe(1772882100000);
      expect(h.endTime?.getTime()).toBe(1772882141000);
      expect(h.config).toEqual({
        file: { name: "storefront-build", type: "SourceBuild" },
        backupFile: "backup/storefront-web/20260307-173502.zip",
      });
      expect(h.config.strategy).toBeUndefined();
      expect(h.targetShape).toBe("single");
      expect(h.targets).toEqual([]);
      expect(h.steps).toEqual({
        pre: { status: "success", time: new Date(1772882102000) },
        deploy: { status: "success", time: new Date(1772882120000) },
      });
    });
  });
});

describe("parseHistoryList and parseProjectList: fixtures", () => {
  const expectedList = [
    { id: "904611", stage: "5183", scenario: "web-release-sequential", status: "inprogress", start: 1772978400000 },
    { id: "903501", stage: "5190", scenario: "asg-bluegreen-release", status: "success", start: 1772672400000 },
    { id: "903344", stage: "5183", scenario: "web-release-sequential", status: "fail", start: 1772600767000 },
  ];

  it.each([
    ["wrapped", fixture("history-list.wrapped.json")],
    ["flat", unwrap(fixture("history-list.wrapped.json"))],
  ])("reads the history list (%s), in the order sent", (_envelope, body) => {
    const list = parseHistoryList(body);
    expect(
      list.map((h) => ({ id: h.id, stage: h.stage.id, scenario: h.scenario.name, status: h.status, start: h.startTime?.getTime() })),
    ).toEqual(expectedList);
    expect(list.every((h) => h.project.id === "41027" && h.project.name === "shop-api" && h.endTime === undefined)).toBe(true);
  });

  it.each([
    ["flat", fixture("project-list.json")],
    ["wrapped", { result: fixture("project-list.json") }],
  ])("reads the project list (%s) with string ids", (_envelope, body) => {
    expect(parseProjectList(body)).toEqual([
      { id: "41027", name: "shop-api" },
      { id: "41100", name: "catalog-svc" },
      { id: "41152", name: "storefront-web" },
    ]);
  });

  it("treats a null list as empty and skips null entries", () => {
    expect(parseHistoryList({ result: { historyList: null } })).toEqual([]);
    expect(parseProjectList({ projectList: [null, { id: " 7 ", name: null }] })).toEqual([{ id: "7", name: "" }]);
  });

  it("rejects a list body without its list, naming the path", () => {
    expect(parseError({ result: {} }, parseHistoryList).details.path).toBe("result.historyList");
    expect(parseError({ projectList: [{ name: "x" }] }, parseProjectList).details.path).toBe("projectList[0].id");
    expect(parseError({ historyList: [{ id: "1", status: "success" }] }, parseHistoryList).details.path).toBe("historyList[0].project");
  });
});

describe("parseErrorBody", () => {
  it("reads the NCP error envelope", () => {
    expect(parseErrorBody(fixture("error-authentication-failed.json"))).toEqual({
      errorCode: "200",
      message: "Authentication Failed",
      details: "Invalid authentication information.",
    });
  });

  it("tolerates a flat body and numeric codes", () => {
    expect(parseErrorBody({ errorCode: 300, message: "Not Found" })).toEqual({ errorCode: "300", message: "Not Found" });
  });

  it.each([null, "text", 42, [], {}, { result: {} }, { error: {} }, { error: null }, { id: 1 }])("returns undefined for %j", (body) => {
    expect(parseErrorBody(body)).toBeUndefined();
  });
});

describe("parseHistory: tolerance", () => {
  it.each([
    ["Kuberneteservice", "KubernetesService"],
    ["THisotryKubernetesService", "KubernetesService"],
    ["kubernetesservice", "KubernetesService"],
    ["ObjectStroage", "ObjectStorage"],
    ["THistoryObjectStorage", "ObjectStorage"],
    ["THistoryServer", "Server"],
    ["SERVER", "Server"],
    ["THistoryAutoScaling", "AutoScalingGroup"],
    ["autoScalingGroup", "AutoScalingGroup"],
    ["Lambda", "Unknown"],
  ])("maps type %s to %s and keeps the raw spelling", (rawType, type) => {
    const h = parseHistory(minimal({ type: rawType }));
    expect(h.type).toBe(type);
    expect(h.rawType).toBe(rawType);
  });

  it("leaves rawType out and type Unknown when there is no type", () => {
    const h = parseHistory(minimal());
    expect(h.type).toBe("Unknown");
    expect(h).not.toHaveProperty("rawType");
  });

  it("normalizes the step typo succss and trims/lower-cases statuses", () => {
    const h = parseHistory(
      minimal({
        status: "  SUCCESS ",
        config: { targets: [{ server: { no: 1, name: "a" }, status: " No Progress ", step: { pre: "Succss", post: "INPROGRESS" } }] },
      }),
    );
    expect(h.status).toBe("success");
    expect(h.targets[0]?.status).toBe("no progress");
    expect(h.targets[0]?.steps).toEqual({ pre: { status: "success" }, post: { status: "inprogress" } });
  });

  it("keeps unknown statuses as sent (lower-cased)", () => {
    const h = parseHistory(minimal({ status: "Rolling_Back", config: { targets: [{ status: "draining", step: { deploy: "paused" } }] } }));
    expect(h.status).toBe("rolling_back");
    expect(h.targets[0]?.status).toBe("draining");
    expect(h.targets[0]?.steps.deploy).toEqual({ status: "paused" });
  });

  it("keeps a step that has only a time", () => {
    const h = parseHistory(minimal({ config: { targets: [{ status: "pre", time: { pre: 1772600769000 } }] } }));
    expect(h.targets[0]?.steps).toEqual({ pre: { time: new Date(1772600769000) } });
  });

  it("reads seconds, milliseconds and numeric strings as the same instant", () => {
    const instant = ms("2026-03-04T05:06:07Z");
    for (const startTime of [instant, instant / 1000, String(instant), ` ${instant / 1000} `]) {
      expect(parseHistory(minimal({ startTime })).startTime?.getTime()).toBe(instant);
    }
  });

  it("treats the 10^11 boundary as the switch from seconds to milliseconds", () => {
    expect(parseHistory(minimal({ startTime: 99_999_999_999 })).startTime?.getTime()).toBe(99_999_999_999_000);
    expect(parseHistory(minimal({ startTime: 100_000_000_000 })).startTime?.getTime()).toBe(100_000_000_000);
  });

  it.each([null, 0, "", "0"])("treats a timestamp of %j as absent", (value) => {
    const h = parseHistory(minimal({ startTime: value, endTime: value }));
    expect(h.startTime).toBeUndefined();
    expect(h.endTime).toBeUndefined();
  });

  it("reads timestamps in step times as seconds too", () => {
    const h = parseHistory(minimal({ config: { targets: [{ status: "pre", time: { pre: 1772600769 } }] } }));
    expect(h.targets[0]?.steps.pre?.time?.getTime()).toBe(1772600769000);
  });

  it("trims ids and accepts them as numbers or strings", () => {
    const h = parseHistory({ id: " 903344 ", project: { id: 41027 }, stage: { id: "5183" }, status: "fail" });
    expect(h.id).toBe("903344");
    expect(h.project).toEqual({ id: "41027", name: "" });
    expect(h.stage).toEqual({ id: "5183", name: "" });
    expect(h.scenario).toEqual({ id: "", name: "" });
  });

  it("takes strategy from the top level when config has none", () => {
    expect(parseHistory(minimal({ strategy: "rolling", config: {} })).config.strategy).toBe("rolling");
    expect(parseHistory(minimal({ strategy: "rolling", config: { strategy: "canary" } })).config.strategy).toBe("canary");
  });

  it("merges the targets of several config entries, taking other fields from the first that has them", () => {
    const h = parseHistory(
      minimal({
        type: "Server",
        config: [
          { targets: [{ server: { no: 1, name: "a" }, status: "success" }] },
          { strategy: "normal", file: { selected: "f.zip" }, targets: [{ server: { no: 2, name: "b" }, status: "fail" }] },
        ],
      }),
    );
    expect(h.targets.map((t) => t.name)).toEqual(["a", "b"]);
    expect(h.config).toEqual({ strategy: "normal", file: { name: "f.zip" } });
  });

  it("uses the server number, then an empty string, for a target without a name", () => {
    const h = parseHistory(minimal({ config: { targets: [{ server: { no: 5 }, status: "pending" }, { status: "pending" }, null] } }));
    expect(h.targets).toEqual([
      { name: "5", serverNo: "5", status: "pending", steps: {} },
      { name: "", status: "pending", steps: {} },
    ]);
  });

  it.each([
    ["targets: null", { type: "Server", config: { targets: null } }, "servers"],
    ["no config", { type: "Server" }, "servers"],
    ["config: null", { type: "AutoScalingGroup", config: null }, "servers"],
    ["empty config array", { type: "Server", config: [] }, "servers"],
    ["k8s without targets", { type: "KubernetesService", config: { strategy: "rolling" } }, "single"],
  ])("gives no targets for %s", (_case, overrides, shape) => {
    const h = parseHistory(minimal(overrides));
    expect(h.targets).toEqual([]);
    expect(h.targetShape).toBe(shape);
    if (shape === "single") expect(h.steps).toEqual({});
  });

  it("decides the shape from the data when the type is unknown", () => {
    const servers = parseHistory(minimal({ type: "Mystery", config: { targets: [{ server: { no: 1, name: "a" }, status: "success" }] } }));
    expect(servers.targetShape).toBe("servers");
    expect(servers.targets).toHaveLength(1);
    const single = parseHistory(minimal({ config: { targets: { step: { pre: "success" } } } }));
    expect(single.type).toBe("Unknown");
    expect(single.targetShape).toBe("single");
    expect(single.steps).toEqual({ pre: { status: "success" } });
  });

  it("ignores unknown fields", () => {
    const h = parseHistory(
      minimal({ extra: { deep: [1, 2] }, config: { targets: [{ status: "success", color: "red" }], newField: true } }),
    );
    expect(h).not.toHaveProperty("extra");
    expect(h.targets[0]).toEqual({ name: "", status: "success", steps: {} });
  });

  it("accepts file.selected, file.file and a bare file name", () => {
    expect(parseHistory(minimal({ config: { file: { selected: "a", type: "SourceCommit" } } })).config.file).toEqual({
      name: "a",
      type: "SourceCommit",
    });
    expect(parseHistory(minimal({ config: { file: { file: "b" } } })).config.file).toEqual({ name: "b" });
    expect(parseHistory(minimal({ config: { file: "c.zip" } })).config.file).toEqual({ name: "c.zip" });
  });
});

describe("parseHistory: invalid bodies", () => {
  it.each([
    [null, "(root)"],
    ["not json", "(root)"],
    [[], "(root)"],
    [{ result: null }, "result"],
    [{ result: "x" }, "result"],
    [{ project: { id: 1 }, status: "success" }, "id"],
    [{ id: "  ", project: { id: 1 }, status: "success" }, "id"],
    [{ id: 1, status: "success" }, "project"],
    [{ id: 1, project: { name: "p" }, status: "success" }, "project.id"],
    [{ result: { id: 1, project: {}, status: "success" } }, "result.project.id"],
    [{ id: 1, project: { id: 2 } }, "status"],
    [minimal({ startTime: "yesterday" }), "startTime"],
    [minimal({ startTime: -5 }), "startTime"],
    [minimal({ endTime: 1e300 }), "endTime"],
    [minimal({ config: "servers" }), "config"],
    [minimal({ config: [{ targets: [{ status: "success" }, { server: { name: { first: "x" } } }] }] }), "config[0].targets[1].server.name"],
    [minimal({ config: { targets: [{ status: "success", time: { deploy: true } }] } }), "config.targets[0].time.deploy"],
    [minimal({ config: { targets: { step: { pre: ["success"] } } } }), "config.targets.step.pre"],
  ])("rejects %j at %s", (body, path) => {
    const error = parseError(body);
    expect(error.code).toBe("invalid_response");
    expect(error.details.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it("never puts raw values into the message", () => {
    const secretish = "xoxb-this-should-not-leak";
    const error = parseError(minimal({ startTime: secretish, executor: { token: secretish } }));
    expect(error.message).not.toContain(secretish);
    expect(JSON.stringify(error.details)).not.toContain(secretish);
  });

  it("turns any JSON into a History or a SourceDeployError, nothing else", () => {
    let parsed = 0;
    let rejected = 0;
    fc.assert(
      fc.property(historyLikeBody, (input) => {
        let result: History;
        try {
          result = parseHistory(input);
        } catch (error) {
          rejected++;
          return error instanceof SourceDeployError && error.code === "invalid_response" && typeof error.details.path === "string";
        }
        parsed++;
        return isWellFormed(result);
      }),
      { seed: 20260304, numRuns: 300 },
    );
    // Both outcomes must really be exercised, or the property proves little.
    expect(parsed).toBeGreaterThan(30);
    expect(rejected).toBeGreaterThan(30);
  });
});

describe("finding 11: long upstream strings are capped at parse time", () => {
  const FOUR_MB = "n".repeat(4 * 1024 * 1024);
  const MAX = 1000;

  function everyString(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(everyString);
    if (value instanceof Date || typeof value !== "object" || value === null) return [];
    return Object.values(value).flatMap(everyString);
  }

  it("finding 11: a 4 MB name becomes at most 1000 characters in the model, ending with an ellipsis", () => {
    const h = parseHistory(minimal({ project: { id: 2, name: FOUR_MB } }));
    expect(h.project.name.length).toBeLessThanOrEqual(MAX);
    expect(h.project.name.endsWith("…")).toBe(true);
    expect(h.project.name.startsWith("nnn")).toBe(true);
  });

  it("finding 11: caps every text of a history, a history list and a project list", () => {
    const long = `${FOUR_MB} `;
    const ref = { id: long, name: long };
    const h = parseHistory(
      minimal({
        stage: ref,
        scenario: ref,
        status: long,
        executor: long,
        type: long,
        strategy: long,
        config: {
          file: { selected: long, type: long },
          autoScalingGroup: { no: long, name: long },
          backupFile: long,
          targets: [{ server: { no: long, name: long }, status: long, step: { pre: long, deploy: long, post: long } }],
        },
      }),
    );
    const texts = everyString(h);
    expect(texts.length).toBeGreaterThan(15);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(MAX);
    const list = parseHistoryList({ historyList: [{ id: 1, project: { id: 2, name: long }, stage: ref, scenario: ref, status: long }] });
    for (const text of everyString(list)) expect(text.length).toBeLessThanOrEqual(MAX);
    for (const text of everyString(parseProjectList({ projectList: [{ id: 1, name: long }] })))
      expect(text.length).toBeLessThanOrEqual(MAX);
    const error = parseErrorBody({ error: { errorCode: long, message: long, details: long } });
    for (const text of everyString(error)) expect(text.length).toBeLessThanOrEqual(MAX);
  });

  it("finding 11: shortening never splits a surrogate pair or an emoji sequence", () => {
    const family = "👩‍👩‍👧‍👦";
    const name = parseHistory(minimal({ project: { id: 2, name: family.repeat(500) } })).project.name;
    expect(name.length).toBeLessThanOrEqual(MAX);
    expect(name.slice(0, -1)).toBe(family.repeat((name.length - 1) / family.length));
    const astral = parseHistory(minimal({ project: { id: 2, name: `x${"😀".repeat(1000)}` } })).project.name;
    expect(astral.slice(0, -1)).toBe(`x${"😀".repeat((astral.length - 2) / 2)}`);
  });

  it("finding 11: a history or project id longer than 1000 characters is an invalid response, not a shortened id", () => {
    expect(parseError(minimal({ id: "9".repeat(MAX + 1) })).details.path).toBe("id");
    expect(parseError(minimal({ project: { id: "9".repeat(MAX + 1), name: "p" } })).details.path).toBe("project.id");
    expect(parseHistory(minimal({ id: "9".repeat(MAX) })).id).toHaveLength(MAX);
  });
});

describe("write answers and choices", () => {
  it("reads both documented write envelopes as done, and false as not done", () => {
    expect(parseWriteResult(fixture("write-ok.flat.json"))).toBe(true);
    expect(parseWriteResult(fixture("write-ok.wrapped.json"))).toBe(true);
    expect(parseWriteResult({ result: false })).toBe(false);
    expect(parseWriteResult({ result: { result: false } })).toBe(false);
    expect(() => parseWriteResult("ok")).toThrow(SourceDeployError);
  });

  it("reads the new history id of a started deployment, as a string", () => {
    expect(parseDeployStarted(fixture("deploy-started.wrapped.json"))).toBe("904800");
    expect(parseDeployStarted({ historyId: "904801" })).toBe("904801");
    expect(() => parseDeployStarted({ result: {} })).toThrow(/historyId/);
  });

  it("reads stage and scenario lists with ids as strings, skipping null entries", () => {
    expect(parseStageList(fixture("stage-list.wrapped.json")).map((s) => s.id)).toEqual(["5183", "5190", "5101"]);
    expect(parseScenarioList({ scenarioList: [null, { id: 7, name: "x" }] })).toEqual([{ id: "7", name: "x" }]);
    expect(() => parseStageList({ result: { stageList: "no" } })).toThrow(SourceDeployError);
  });
});
