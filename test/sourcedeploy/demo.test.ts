import { describe, expect, it } from "vitest";
import { DemoSourceDeploy } from "../../src/sourcedeploy/demo.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";

const demo = new DemoSourceDeploy();

async function rejection(promise: Promise<unknown>): Promise<SourceDeployError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceDeployError);
  return error as SourceDeployError;
}

describe("DemoSourceDeploy", () => {
  it("describes itself as demo data", () => {
    expect(demo.description).toBe("demo data");
  });

  it.each([
    ["41027", "903344", "fail", "Server", "servers"],
    ["41027", "904611", "inprogress", "Server", "servers"],
    ["41027", "903501", "success", "AutoScalingGroup", "servers"],
    ["41100", "904120", "canary_analyzing", "KubernetesService", "single"],
    ["41152", "904388", "success", "ObjectStorage", "single"],
  ])("answers the documented history %s/%s", async (projectId, historyId, status, type, shape) => {
    const h = await demo.getHistory(projectId, historyId);
    expect(h.id).toBe(historyId);
    expect(h.project.id).toBe(projectId);
    expect(h.status).toBe(status);
    expect(h.type).toBe(type);
    expect(h.targetShape).toBe(shape);
  });

  it("parses the demo bodies into full models (targets, dates, file)", async () => {
    const running = await demo.getHistory("41027", "904611");
    expect(running.targets.map((t) => t.status)).toEqual(["success", "deploy", "standby", "pending"]);
    expect(running.startTime?.getTime()).toBe(1772978400000);
    expect(running.config.file).toEqual({ name: "shop-api-build", type: "SourceBuild" });
  });

  it("returns a fresh object on each call", async () => {
    const first = await demo.getHistory("41027", "903344");
    first.targets.length = 0;
    expect((await demo.getHistory("41027", "903344")).targets).toHaveLength(3);
  });

  it("accepts ids with surrounding spaces", async () => {
    expect((await demo.getHistory(" 41027 ", "903344 ")).id).toBe("903344");
  });

  it.each([
    ["41027", "999999"],
    ["41100", "903344"],
    ["1", "903344"],
  ])("answers not_found for %s/%s, naming the resource", async (projectId, historyId) => {
    const error = await rejection(demo.getHistory(projectId, historyId));
    expect(error.code).toBe("not_found");
    expect(error.details.resource).toEqual({ projectId, historyId });
  });

  it.each([
    ["abc", "903344"],
    ["41027", "90-3344"],
    ["", "903344"],
    ["41027", "1e5"],
  ])("answers invalid_request for non-digit ids %j/%j", async (projectId, historyId) => {
    expect((await rejection(demo.getHistory(projectId, historyId))).code).toBe("invalid_request");
  });

  it("lists each project's histories newest first", async () => {
    const shop = await demo.listHistories("41027");
    expect(shop.map((h) => h.id)).toEqual(["904611", "903501", "903344"]);
    const times = shop.map((h) => h.startTime?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await demo.listHistories("41100")).map((h) => [h.id, h.status])).toEqual([["904120", "canary_analyzing"]]);
    expect((await demo.listHistories("41152")).map((h) => [h.id, h.status, h.endTime?.getTime()])).toEqual([
      ["904388", "success", 1772882141000],
    ]);
  });

  it("lists only histories that the detail call also answers", async () => {
    for (const project of await demo.listProjects()) {
      for (const summary of await demo.listHistories(project.id)) {
        const detail = await demo.getHistory(project.id, summary.id);
        expect([detail.status, detail.startTime]).toEqual([summary.status, summary.startTime]);
      }
    }
  });

  it("pages histories with pageNo (from 1) and pageSize", async () => {
    expect((await demo.listHistories("41027", { pageSize: 2 })).map((h) => h.id)).toEqual(["904611", "903501"]);
    expect((await demo.listHistories("41027", { pageNo: 2, pageSize: 2 })).map((h) => h.id)).toEqual(["903344"]);
    expect(await demo.listHistories("41027", { pageNo: 3, pageSize: 2 })).toEqual([]);
  });

  it.each([{ pageNo: 0 }, { pageSize: 0 }, { pageSize: 101 }, { pageNo: 1.5 }])("rejects the page query %j", async (query) => {
    expect((await rejection(demo.listHistories("41027", query))).code).toBe("invalid_request");
  });

  it("answers not_found for an unknown project's history list and invalid_request for a non-digit id", async () => {
    const error = await rejection(demo.listHistories("77777"));
    expect(error.code).toBe("not_found");
    expect(error.details.resource).toEqual({ projectId: "77777" });
    expect((await rejection(demo.listHistories("shop-api"))).code).toBe("invalid_request");
  });

  it("lists projects, filtered by a case-insensitive substring of the name", async () => {
    expect(await demo.listProjects()).toEqual([
      { id: "41027", name: "shop-api" },
      { id: "41100", name: "catalog-svc" },
      { id: "41152", name: "storefront-web" },
    ]);
    expect((await demo.listProjects({ name: "SHOP" })).map((p) => p.id)).toEqual(["41027"]);
    expect((await demo.listProjects({ name: "-" })).map((p) => p.id)).toEqual(["41027", "41100", "41152"]);
    expect(await demo.listProjects({ name: "nothing-like-this" })).toEqual([]);
  });

  it("pages projects", async () => {
    expect((await demo.listProjects({ pageNo: 2, pageSize: 2 })).map((p) => p.id)).toEqual(["41152"]);
  });
});
