// Address helpers every racetel process uses when it decides what to bind or whom to trust.

/** True for addresses that never leave the machine (what racetel binds by default). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
