// Which screen shows: the dashboard, the "waiting for telemetry" instructions, or "connection lost".
import type { LiveStore } from "../store.js";

export class StatusView {
  private readonly empty = document.getElementById("empty")!;
  private readonly dashboard = document.getElementById("dashboard")!;
  private readonly lost = document.getElementById("lost")!;
  private readonly connection = document.getElementById("connection")!;

  constructor(private readonly store: LiveStore) {}

  draw(): void {
    const s = this.store;
    if (s.connectionChanged) {
      s.connectionChanged = false;
      this.connection.dataset.state = s.connection;
      this.connection.textContent = s.connection === "open" ? "live" : s.connection === "lost" ? "connection lost" : "connecting";
      this.lost.hidden = s.connection !== "lost";
    }
    const nothing = s.sessions.length === 0;
    this.empty.hidden = !nothing || s.connection === "connecting";
    this.dashboard.hidden = nothing;
    if (nothing) {
      const addresses = s.setup.addresses.length > 0 ? s.setup.addresses.join(" or ") : "this machine's LAN address";
      document.getElementById("setup-address")!.textContent = addresses;
      document.getElementById("setup-f1-port")!.textContent = String(s.setup.f1Port ?? 20777);
      document.getElementById("setup-acc")!.textContent = `racetel acc-forward --to ${s.setup.addresses[0] ?? "<this machine>"}:${s.setup.accPort ?? 9996}`;
    }
  }
}
