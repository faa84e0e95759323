// Splitting unframed F1 dumps is the F1 decoder's job (it knows every packet size of every format);
// this module is the one place the capture reader reaches for it.
import { splitF1Dump } from "../sources/f1/index.js";
import { CaptureFormatError } from "./rtcap-format.js";

/** Splits datagrams that were written back to back with no framing; throws CaptureFormatError naming the offset. */
export function splitUnframedF1Dump(whole: Buffer): Buffer[] {
  try {
    return splitF1Dump(whole);
  } catch (err) {
    throw new CaptureFormatError((err as Error).message);
  }
}
