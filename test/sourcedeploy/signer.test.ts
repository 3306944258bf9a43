import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeaders, signRequest, stringToSign } from "../../src/sourcedeploy/signer.js";

/** Written out independently of the signer, straight from the NCP documentation. */
function referenceSignature(method: string, path: string, timestamp: string, accessKey: string, secretKey: string): string {
  return createHmac("sha256", secretKey).update(`${method} ${path}\n${timestamp}\n${accessKey}`).digest("base64");
}

describe("signRequest", () => {
  it("matches the published NCP vector", () => {
    const signature = signRequest({
      method: "GET",
      pathAndQuery: "/vserver/v2/getServerInstanceList?responseFormatType=json",
      timestamp: 1234567890123,
      accessKey: "TestAccessKey",
      secretKey: "TestSecretKey",
    });
    expect(signature).toBe("FPsYYX8fuMAgi+cue3eACOW0dNtIwu1LYWfg/megA2M=");
  });

  it.each([
    ["/api/v1/project/41027/history/903344"],
    ["/api/v1/project/41027/history?pageNo=1&pageSize=20"],
    ["/api/v1/project?projectName=shop%20api%26x%3D1&pageSize=100"],
    ["/api/v1/project?projectName=%EB%B0%B0%ED%8F%AC"],
  ])("signs %s exactly as written, query included", (path) => {
    const input = { method: "GET", pathAndQuery: path, timestamp: "1772978400123", accessKey: "AK-1", secretKey: "SK-1" };
    expect(signRequest(input)).toBe(referenceSignature("GET", path, "1772978400123", "AK-1", "SK-1"));
  });

  it("changes when any signed part changes", () => {
    const input = { method: "GET", pathAndQuery: "/api/v1/project?pageSize=2", timestamp: 1772978400123, accessKey: "AK", secretKey: "SK" };
    const base = signRequest(input);
    expect(signRequest({ ...input, pathAndQuery: "/project?pageSize=2" })).not.toBe(base);
    expect(signRequest({ ...input, pathAndQuery: "/api/v1/project?pageSize=3" })).not.toBe(base);
    expect(signRequest({ ...input, timestamp: 1772978400124 })).not.toBe(base);
    expect(signRequest({ ...input, accessKey: "AK2" })).not.toBe(base);
    expect(signRequest({ ...input, secretKey: "SK2" })).not.toBe(base);
    expect(signRequest({ ...input, method: "POST" })).not.toBe(base);
  });

  it("upper-cases the method in the string to sign", () => {
    expect(stringToSign({ method: "get", pathAndQuery: "/api/v1/project", timestamp: 5, accessKey: "AK" })).toBe(
      "GET /api/v1/project\n5\nAK",
    );
  });
});

describe("signatureHeaders", () => {
  it("returns the timestamp, access key and signature headers", () => {
    const input = { method: "GET", pathAndQuery: "/api/v1/project", timestamp: 1772978400123, accessKey: "AK", secretKey: "SK" };
    expect(signatureHeaders(input)).toEqual({
      "x-ncp-apigw-timestamp": "1772978400123",
      "x-ncp-iam-access-key": "AK",
      "x-ncp-apigw-signature-v2": referenceSignature("GET", "/api/v1/project", "1772978400123", "AK", "SK"),
    });
  });

  it("never puts the secret key in a header", () => {
    const headers = signatureHeaders({
      method: "GET",
      pathAndQuery: "/api/v1/project",
      timestamp: 1,
      accessKey: "AK",
      secretKey: "very-secret-value",
    });
    expect(Object.values(headers).join("\n")).not.toContain("very-secret-value");
  });
});
