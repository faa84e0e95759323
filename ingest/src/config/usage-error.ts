/** A mistake on the command line (missing file, bad flag value): printed in one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
