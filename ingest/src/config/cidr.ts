// Allowed-source filter: a list of IPv4/IPv6 CIDRs parsed once at start-up, checked per datagram.
import { BlockList, isIP } from "node:net";

/** Thrown at start-up for a malformed CIDR, with the offending text in the message. */
export class CidrError extends Error {
  override name = "CidrError";
}

export interface SourceFilter {
  /** True when datagrams from this address are accepted. */
  allows(address: string): boolean;
}

const ALLOW_ALL: SourceFilter = { allows: () => true };
// Few consoles send to one ingest: a small memo keeps BlockList lookups off the hot path.
const MEMO_LIMIT = 1024;

/** Parses "10.0.0.0/8", "192.168.1.20" (a single host), "fd00::/8", "::1". Throws CidrError. */
export function parseCidr(text: string): { network: string; prefix: number; family: "ipv4" | "ipv6" } {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  const network = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const version = isIP(network);
  if (version === 0) throw new CidrError(`"${text}" is not an IPv4 or IPv6 address or CIDR (e.g. 192.168.1.0/24, fd00::/8)`);
  const maxPrefix = version === 4 ? 32 : 128;
  let prefix = maxPrefix;
  if (slash >= 0) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      throw new CidrError(`"${text}": prefix length must be 0..${maxPrefix}`);
    }
    prefix = Number(prefixText);
  }
  return { network, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** Builds the filter; an empty list allows every source. */
export function createSourceFilter(cidrs: readonly string[]): SourceFilter {
  if (cidrs.length === 0) return ALLOW_ALL;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const { network, prefix, family } = parseCidr(cidr);
    list.addSubnet(network, prefix, family);
  }
  const memo = new Map<string, boolean>();
  return {
    allows(address: string): boolean {
      let allowed = memo.get(address);
      if (allowed !== undefined) return allowed;
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; match it against IPv4 ranges too.
      const mapped = family === "ipv6" && address.toLowerCase().startsWith("::ffff:") && isIP(address.slice(7)) === 4;
      allowed = list.check(address, family) || (mapped && list.check(address.slice(7), "ipv4"));
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(address, allowed);
      return allowed;
    },
  };
}
