/**
 * NCP API Gateway signature v2 (docs/architecture.md, "Upstream"): base64(HMAC-SHA256(secretKey,
 * "{METHOD} {path+query}\n{timestamp}\n{accessKey}")). The path must be byte-for-byte the one sent,
 * including the base URL's path prefix (e.g. `/api/v1`) and the encoded query string.
 */
import { createHmac } from "node:crypto";

export interface SignatureInput {
  method: string;
  /** Path and query exactly as sent, e.g. `/api/v1/project?projectName=shop%20api`. */
  pathAndQuery: string;
  /** Epoch milliseconds. */
  timestamp: number | string;
  accessKey: string;
  secretKey: string;
}

export const TIMESTAMP_HEADER = "x-ncp-apigw-timestamp";
export const ACCESS_KEY_HEADER = "x-ncp-iam-access-key";
export const SIGNATURE_HEADER = "x-ncp-apigw-signature-v2";

export interface SignatureHeaders {
  [TIMESTAMP_HEADER]: string;
  [ACCESS_KEY_HEADER]: string;
  [SIGNATURE_HEADER]: string;
}

export function stringToSign(input: Omit<SignatureInput, "secretKey">): string {
  return `${input.method.toUpperCase()} ${input.pathAndQuery}\n${String(input.timestamp)}\n${input.accessKey}`;
}

export function signRequest(input: SignatureInput): string {
  return createHmac("sha256", input.secretKey).update(stringToSign(input), "utf8").digest("base64");
}

/** The three authentication headers for one request. */
export function signatureHeaders(input: SignatureInput): SignatureHeaders {
  return {
    [TIMESTAMP_HEADER]: String(input.timestamp),
    [ACCESS_KEY_HEADER]: input.accessKey,
    [SIGNATURE_HEADER]: signRequest(input),
  };
}
