// Events as they happen, newest first.
import type { LiveStore } from "../store.js";
import { timeOfDay, words } from "../format.js";

export class EventsView {
  private readonly list = document.getElementById("events")!;

  constructor(private readonly store: LiveStore) {}

  draw(): void {
    const s = this.store;
    if (!s.eventsChanged) return;
    s.eventsChanged = false;
    const items = s.events.map((e) => {
      const li = document.createElement("li");
      const time = document.createElement("time");
      time.textContent = timeOfDay(e.atMs);
      const type = document.createElement("span");
      type.className = `type ${e.type}`;
      type.textContent = words(e.type);
      li.append(time, type, `${e.driver ? `${e.driver}: ` : ""}${e.text}`);
      return li;
    });
    this.list.replaceChildren(...items);
  }
}
