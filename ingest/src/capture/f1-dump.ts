// Splitting unframed F1 dumps is the F1 decoder's job (it knows the size of every packet of every
// format); this module is the one place the capture reader reaches for it.
import { CaptureFormatError } from "./rtcap-format.js";

/** Splits datagrams that were written back to back with no framing. */
export function splitUnframedF1Dump(_whole: Buffer): Buffer[] {
  throw new CaptureFormatError("not yet: reading unframed F1 dumps needs splitF1Dump from the F1 decoder (ingest/src/sources/f1), which has not landed");
}
