// Access control of rpc's gRPC port: with --auth-token, Publish and Subscribe need
// "authorization: Bearer <token>" (mTLS, --tls-client-ca, is the other way). Compared in constant time.
import { timingSafeEqual } from "node:crypto";
import type * as grpc from "@grpc/grpc-js";

export class TokenCheck {
  private readonly expected: Buffer | undefined;

  constructor(token: string) {
    this.expected = token === "" ? undefined : Buffer.from(`Bearer ${token}`);
  }

  get required(): boolean {
    return this.expected !== undefined;
  }

  /** True when no token is configured, or the call carries the right one. */
  allows(metadata: grpc.Metadata): boolean {
    const expected = this.expected;
    if (expected === undefined) return true;
    const given = metadata.get("authorization")[0];
    if (typeof given !== "string") return false;
    const bytes = Buffer.from(given);
    return bytes.length === expected.length && timingSafeEqual(bytes, expected);
  }
}
