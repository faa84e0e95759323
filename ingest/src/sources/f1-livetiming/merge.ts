// The feed's state merging: a topic's first message is its full state, later ones are partial objects
// deep-merged into it. Arrays are patched as objects keyed by index strings ({"1": {...}}), and
// "_deleted": ["Key"] removes keys. Written by hand: a dozen lines with rules no generic merge library has.

type Json = Record<string, unknown>;

/** Keys an object of the state may hold: the feed's largest has a few hundred (race control messages). A hostile
 * feed adding keys forever is refused beyond this, so the state stays bounded. */
export const MAX_KEYS = 1000;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Merges `patch` into `target` (mutated) and returns it; `depth` bounds the recursion on hostile input. */
export function mergeState(target: unknown, patch: unknown, depth = 0): unknown {
  if (depth > 32) return target;
  if (Array.isArray(target) && isObject(patch)) {
    for (const [k, v] of Object.entries(patch)) {
      if (k === "_deleted" || !/^\d{1,4}$/.test(k)) continue;
      const i = Number(k);
      if (i > target.length + MAX_KEYS) continue; // an index far past the end would leave a hole of that size
      target[i] = mergeState(target[i], v, depth + 1);
    }
    return target;
  }
  if (!isObject(target) || !isObject(patch)) return patch;
  const deleted = patch._deleted;
  if (Array.isArray(deleted)) for (const k of deleted) if (typeof k === "string") delete target[k];
  let keys = -1;
  for (const [k, v] of Object.entries(patch)) {
    if (k === "_deleted" || k === "__proto__" || k === "constructor" || k === "prototype") continue;
    if (!Object.prototype.hasOwnProperty.call(target, k)) {
      if (keys < 0) keys = Object.keys(target).length;
      if (keys >= MAX_KEYS) continue;
      keys++;
    }
    target[k] = mergeState(target[k], v, depth + 1);
  }
  return target;
}
