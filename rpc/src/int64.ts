// protobufjs decodes 64-bit integers as Long objects when the `long` package is present.

/** A 64-bit protobuf integer as a JS number (exact below 2^53, which every counter here stays under). */
export function toNumber(v: number | { toNumber(): number } | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return Number(v);
  return v.toNumber();
}
