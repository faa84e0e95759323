// Access tokens for the live view when it is reachable from the network.
import { randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random token (128 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(16).toString("base64url");
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
