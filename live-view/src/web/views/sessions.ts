// The session picker (newest live session first, as the server orders them) and the header line.
import type { LiveStore } from "../store.js";
import { clock, words } from "../format.js";

export class SessionsView {
  private readonly picker = document.getElementById("session-picker") as HTMLSelectElement;
  private readonly info = document.getElementById("session-info")!;

  constructor(private readonly store: LiveStore) {
    this.picker.addEventListener("change", () => store.choose(this.picker.value));
  }

  draw(): void {
    const s = this.store;
    if (s.sessionsChanged) {
      s.sessionsChanged = false;
      const options = s.sessions.map((x) => {
        const o = document.createElement("option");
        o.value = x.id;
        const what = [x.track || "unknown track", words(x.sessionType), words(x.game), clock(x.startedMs)].filter((t) => t !== "").join(" · ");
        o.textContent = `${x.live ? "● " : ""}${what}`;
        return o;
      });
      this.picker.replaceChildren(...options);
      this.picker.disabled = options.length === 0;
      if (s.session !== null) this.picker.value = s.session;
    }
    if (s.infoChanged) {
      s.infoChanged = false;
      const i = s.info;
      if (i === undefined) this.info.textContent = "";
      else {
        const parts = [i.track, words(i.sessionType)];
        if (i.totalLaps) parts.push(`${i.totalLaps} laps`);
        if (i.timeLeftS !== null && i.timeLeftS > 0) parts.push(`${Math.floor(i.timeLeftS / 60)}:${String(i.timeLeftS % 60).padStart(2, "0")} left`);
        if (i.weather) parts.push(words(i.weather));
        if (i.airC !== null) parts.push(`air ${i.airC} °C`);
        if (i.trackC !== null) parts.push(`track ${i.trackC} °C`);
        if (i.safetyCar && i.safetyCar !== "none" && i.safetyCar !== "unspecified") parts.push(words(i.safetyCar));
        if (i.trackFlag && !["none", "green", "unspecified", ""].includes(i.trackFlag)) parts.push(`${words(i.trackFlag)} flag`);
        this.info.textContent = parts.filter((p) => p).join(" · ");
      }
    }
  }
}
