// Fixed-size NUL-terminated UTF-8 name fields: decoded only when their bytes change, so the hot path
// does not create a string per packet (Participants and LobbyInfo arrive every few seconds anyway).
// A name becomes a label: broken UTF-8 sequences and control characters are left out, never passed on.
import { LABEL_LIMITS, cleanLabel } from "@racetel/proto";

const utf8 = new TextDecoder("utf-8");

/** Remembers the last bytes and string of one name slot. */
export class NameSlot {
  private readonly bytes: Uint8Array;
  private length = -1;
  value = "";

  /** @param onCleaned called when a new name needed cleaning (once per change of the bytes, not per packet) */
  constructor(capacity: number, private readonly onCleaned?: () => void) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Decodes `raw` up to its first NUL, reusing the previous string when the bytes are unchanged. */
  update(raw: Uint8Array): string {
    let end = raw.indexOf(0);
    if (end < 0) end = raw.length;
    if (end > this.bytes.length) end = this.bytes.length;
    if (end === this.length) {
      let same = true;
      for (let i = 0; i < end; i++) if (this.bytes[i] !== raw[i]) { same = false; break; }
      if (same) return this.value;
    }
    this.bytes.set(raw.subarray(0, end));
    this.length = end;
    // Broken sequences decode to U+FFFD, which cleanLabel removes with the control characters.
    const decoded = utf8.decode(raw.subarray(0, end));
    this.value = cleanLabel(decoded, LABEL_LIMITS.driver);
    if (this.value !== decoded) this.onCleaned?.();
    return this.value;
  }
}
