// The timing tower: one <tr> per car, built once from a template and kept; an update writes only the
// cells whose text changed, and an overtake moves the existing rows (a move, not a rebuild).
import type { CarView } from "../../protocol.js";
import type { LiveStore } from "../store.js";
import { gap, lapTime, tyre } from "../format.js";

const COLUMNS = ["pos", "driver", "team", "lap", "last", "best", "gap", "int", "tyre", "pit", "pen"] as const;
type Column = (typeof COLUMNS)[number];

interface Row {
  tr: HTMLTableRowElement;
  cells: Record<Column, HTMLTableCellElement>;
  text: Record<Column, string>;
}

export class TowerView {
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<number, Row>();
  private readonly template: HTMLTableRowElement;
  private sessionBest = 0;

  constructor(private readonly store: LiveStore) {
    this.body = document.querySelector("#tower tbody")!;
    this.template = document.createElement("tr");
    for (const c of COLUMNS) {
      const td = document.createElement("td");
      td.className = c;
      this.template.append(td);
    }
    this.body.addEventListener("click", (e) => {
      const tr = (e.target as HTMLElement).closest("tr");
      if (tr?.dataset.car !== undefined) store.select(Number(tr.dataset.car));
    });
  }

  private row(index: number): Row {
    let row = this.rows.get(index);
    if (row === undefined) {
      const tr = this.template.cloneNode(true) as HTMLTableRowElement;
      tr.dataset.car = String(index);
      const cells = {} as Record<Column, HTMLTableCellElement>;
      const text = {} as Record<Column, string>;
      COLUMNS.forEach((c, i) => {
        cells[c] = tr.children[i] as HTMLTableCellElement;
        text[c] = "";
      });
      row = { tr, cells, text };
      this.rows.set(index, row);
    }
    return row;
  }

  private set(row: Row, column: Column, value: string): void {
    if (row.text[column] === value) return;
    row.text[column] = value;
    row.cells[column].textContent = value;
  }

  private fill(row: Row, car: CarView): void {
    this.set(row, "pos", car.position !== null ? String(car.position) : "");
    this.set(row, "driver", car.driver || (car.code !== "" ? car.code : `car ${car.index}`));
    this.set(row, "team", car.team);
    this.set(row, "lap", car.lap !== null ? String(car.lap) : "");
    this.set(row, "last", lapTime(car.lastLapMs));
    this.set(row, "best", lapTime(car.bestLapMs));
    const leader = car.position === 1;
    this.set(row, "gap", leader ? "Leader" : gap(car.gapLeaderMs));
    this.set(row, "int", leader ? "" : gap(car.intervalMs));
    const [label, colour] = tyre(car.compound);
    const tyreText = label === "" ? "" : `${label}|${colour}|${car.tyreAgeLaps ?? ""}|${car.compoundName}`;
    if (row.text.tyre !== tyreText) {
      row.text.tyre = tyreText;
      const badge = document.createElement("span");
      badge.className = `tyre ${colour}`;
      badge.textContent = label;
      badge.title = car.compoundName || car.compound;
      row.cells.tyre.replaceChildren(...(label === "" ? [] : [badge, ` ${car.tyreAgeLaps ?? ""}`]));
    }
    const pit = car.pit === "pit_lane" ? "IN PIT" : car.pit === "pit_box" ? "BOX" : "";
    this.set(row, "pit", [pit, car.pitStops ? `${car.pitStops} stop${car.pitStops > 1 ? "s" : ""}` : ""].filter((x) => x).join(" "));
    row.cells.pit.classList.toggle("in", pit !== "");
    const pen = [car.penaltiesS ? `+${car.penaltiesS}s` : "", car.unservedPenalties ? `${car.unservedPenalties} unserved` : "", car.warnings ? `${car.warnings}w` : ""].filter((x) => x).join(" ");
    this.set(row, "pen", pen);
    row.cells.pen.classList.toggle("has", car.penaltiesS !== null && car.penaltiesS > 0 || (car.unservedPenalties ?? 0) > 0);
    row.tr.classList.toggle("player", car.player);
    row.tr.classList.toggle("selected", car.index === this.store.selectedCar);
    row.tr.classList.toggle("out", car.result === "dnf" || car.result === "dsq" || car.result === "retired");
    row.cells.best.classList.toggle("session-best", car.bestLapMs !== null && car.bestLapMs > 0 && car.bestLapMs === this.sessionBest);
  }

  draw(): void {
    const s = this.store;
    for (const index of s.removedCars) {
      this.rows.get(index)?.tr.remove();
      this.rows.delete(index);
    }
    s.removedCars.length = 0;
    let best = 0;
    for (const car of s.cars.values()) if (car.bestLapMs !== null && car.bestLapMs > 0 && (best === 0 || car.bestLapMs < best)) best = car.bestLapMs;
    const bestChanged = best !== this.sessionBest;
    this.sessionBest = best;
    for (const index of bestChanged ? s.cars.keys() : s.dirtyCars) {
      const car = s.cars.get(index);
      if (car !== undefined) this.fill(this.row(index), car);
    }
    s.dirtyCars.clear();
    if (s.orderChanged) {
      s.orderChanged = false;
      // Move rows only where the order differs: an overtake moves two rows, the rest stay in place.
      let cursor = this.body.firstElementChild;
      for (const car of s.ordered()) {
        const tr = this.row(car.index).tr;
        if (cursor === tr) cursor = tr.nextElementSibling;
        else this.body.insertBefore(tr, cursor);
      }
    }
    if (s.selectionChanged) {
      for (const [index, row] of this.rows) row.tr.classList.toggle("selected", index === s.selectedCar);
    }
  }
}
