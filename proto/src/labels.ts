// Strings that become labels (OpenTelemetry attributes, InfluxDB tags) must be safe there: no control
// characters (a "\n" in a tag made the collector refuse whole batches of every session), valid Unicode,
// bounded length. Sources clean what they read from the wire; rpc checks again (Publish is a network API).

/** Longest value per label, in characters. */
export const LABEL_LIMITS = { source: 128, format: 32, sessionId: 64, driver: 64, team: 64, track: 64 } as const;

/** Control characters (C0, DEL, C1), the replacement character of broken UTF-8, and unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex -- as above
const UNSAFE_ALL = /[\u0000-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** A session id: what racetel's sources make (decimal u64, hashes, keys) and nothing a tag store chokes on. */
const SESSION_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** True when `text` may be used as a label as it is. */
export function isCleanLabel(text: string, max: number): boolean {
  return text.length <= max && !UNSAFE.test(text) && text.trim() === text;
}

/** `text` without control characters, replacement characters or unpaired surrogates, trimmed, at most `max` characters. */
export function cleanLabel(text: string, max: number): string {
  let out = UNSAFE.test(text) ? text.replace(UNSAFE_ALL, "") : text;
  out = out.trim();
  if (out.length > max) {
    out = out.slice(0, max);
    // Never cut a surrogate pair in half.
    if (/[\ud800-\udbff]$/.test(out)) out = out.slice(0, -1);
    out = out.trimEnd();
  }
  return out;
}

export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}
