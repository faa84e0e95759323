// Datagrams the kernel dropped before ingest read them (the socket's receive buffer was full): invisible
// to ingest's own counters, so read from Linux's tables at scrape time (never per packet). Elsewhere: absent.
import { readFileSync } from "node:fs";

/** Lines of a /proc/net table, or [] where there is none (not Linux, no procfs). */
function table(file: string): string[] {
  try {
    return readFileSync(file, "latin1").split("\n").slice(1);
  } catch {
    return [];
  }
}

/**
 * Drops the kernel counted on the UDP socket bound to `port` (the `drops` column of /proc/net/udp or
 * udp6, cumulative since the socket was created); undefined when the table has no such socket.
 */
export function socketReceiveDrops(port: number, ipv6: boolean): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of table(ipv6 ? "/proc/net/udp6" : "/proc/net/udp")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 13) continue;
    const local = cols[1]!;
    if (local.slice(local.lastIndexOf(":") + 1) === hexPort) {
      const drops = Number(cols[cols.length - 1]);
      return Number.isFinite(drops) ? drops : undefined;
    }
  }
  return undefined;
}

/** The host's UDP RcvbufErrors (every socket of the machine, IPv4 + IPv6): the fallback where per-socket counts are missing. */
export function hostUdpReceiveBufferErrors(): number | undefined {
  let total: number | undefined;
  const snmp = table("/proc/net/snmp").filter((l) => l.startsWith("Udp:"));
  if (snmp.length === 2) {
    const names = snmp[0]!.trim().split(/\s+/);
    const values = snmp[1]!.trim().split(/\s+/);
    const i = names.indexOf("RcvbufErrors");
    if (i > 0) total = Number(values[i]);
  }
  for (const line of table("/proc/net/snmp6")) {
    const [name, value] = line.trim().split(/\s+/);
    if (name === "Udp6RcvbufErrors") total = (total ?? 0) + Number(value);
  }
  return total;
}
