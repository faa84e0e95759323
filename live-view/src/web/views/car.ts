// The selected car: gauges, pedals, per-wheel temperatures and pressures, wear and damage.
import type { CarView, Wheels } from "../../protocol.js";
import type { LiveStore } from "../store.js";
import { num } from "../format.js";

const DAMAGE_PARTS = ["front left wing", "front right wing", "rear wing", "floor", "diffuser", "sidepod", "gearbox", "engine"];
const WHEEL_ROWS = ["tyreSurfaceC", "tyreInnerC", "tyrePressureKpa", "brakeC", "tyreWear", "tyreLapsToLimit"] as const;
const WHEEL_NAMES = ["front left", "front right", "rear left", "rear right"];

function byId(id: string): HTMLElement {
  return document.getElementById(id)!;
}

export class CarPanelView {
  private readonly title = byId("car-title");
  private readonly speed = byId("car-speed");
  private readonly gear = byId("car-gear");
  private readonly rpm = byId("car-rpm");
  private readonly drs = byId("car-drs");
  private readonly ers = byId("car-ers");
  private readonly fuel = byId("car-fuel");
  private readonly ersMode = byId("car-ers-mode");
  private readonly fuelLaps = byId("car-fuel-laps");
  private readonly throttle = byId("car-throttle");
  private readonly brake = byId("car-brake");
  private readonly steering = byId("car-steering");
  private readonly damage = byId("car-damage");
  private readonly engineer = byId("car-engineer");
  private readonly wheelCells = new Map<string, HTMLElement[]>();
  private readonly written = new Map<HTMLElement, string>();

  constructor(private readonly store: LiveStore) {
    for (const key of WHEEL_ROWS) this.wheelCells.set(key, [...document.querySelectorAll<HTMLElement>(`td[data-w="${key}"]`)]);
  }

  private text(el: HTMLElement, value: string): void {
    if (this.written.get(el) === value) return;
    this.written.set(el, value);
    el.textContent = value;
  }

  draw(): void {
    const s = this.store;
    const index = s.selectedCar;
    if (index === null) {
      if (s.selectionChanged) this.text(this.title, "Click a driver in the tower to follow the car");
      return;
    }
    if (!s.selectionChanged && !s.dirtyCars.has(index)) return;
    const car = s.cars.get(index);
    if (car === undefined) return;
    this.fill(car);
  }

  private fill(c: CarView): void {
    const who = c.driver || `car ${c.index}`;
    this.text(this.title, `${c.position !== null ? `P${c.position} ` : ""}${who}${c.team ? ` · ${c.team}` : ""}${c.player ? " (you)" : ""}`);
    this.text(this.speed, num(c.speedKmh));
    this.text(this.gear, c.gear === null ? "-" : c.gear === 0 ? "N" : c.gear < 0 ? "R" : String(c.gear));
    this.text(this.rpm, num(c.rpm));
    this.text(this.drs, c.drsOpen ? "OPEN" : c.drsAllowed ? "armed" : "off");
    this.text(this.ers, c.ersStoreMj === null ? "-" : `${c.ersStoreMj.toFixed(2)} MJ`);
    this.text(this.ersMode, c.ersMode);
    this.text(this.fuel, c.fuel === null ? "-" : `${c.fuel.toFixed(1)} ${c.fuelUnit}`);
    this.text(this.fuelLaps, c.fuelLaps === null ? "" : `${c.fuelLaps >= 0 ? "+" : ""}${c.fuelLaps.toFixed(1)} laps`);
    this.throttle.style.width = `${Math.round((c.throttle ?? 0) * 100)}%`;
    this.brake.style.width = `${Math.round((c.brake ?? 0) * 100)}%`;
    this.steering.style.left = `${50 + (c.steering ?? 0) * 50}%`;
    for (const key of WHEEL_ROWS) {
      const w = c[key] as Wheels | null;
      const cells = this.wheelCells.get(key)!;
      for (let i = 0; i < 4; i++) this.text(cells[i]!, w === null ? "-" : w[i]!.toFixed(key === "tyrePressureKpa" || key === "tyreLapsToLimit" ? 1 : 0));
    }
    // The engineer's line: the insights rpc computed (docs/insights.md).
    const cells = this.wheelCells.get("tyreInnerC")!;
    for (let i = 0; i < 4; i++) cells[i]!.className = c.tyreWindow === null ? "" : c.tyreWindow[i] === 1 ? "hot" : c.tyreWindow[i] === -1 ? "cold" : "";
    const notes: string[] = [];
    if (c.fuelPerLap !== null) notes.push(`Fuel ${c.fuelPerLap.toFixed(2)} ${c.fuelUnit}/lap`);
    if (c.fuelSpareLaps !== null) notes.push(c.fuelSpareLaps < 0 ? `SHORT by ${(-c.fuelSpareLaps).toFixed(1)} laps` : `${c.fuelSpareLaps.toFixed(1)} laps spare at the flag`);
    if (c.pitWindow !== null) notes.push(`Pit window laps ${c.pitWindow[0]}-${c.pitWindow[1]}`);
    const outOfWindow = c.tyreWindow === null ? [] : c.tyreWindow.map((s, i) => (s === 1 ? `${WHEEL_NAMES[i]} hot` : s === -1 ? `${WHEEL_NAMES[i]} cold` : "")).filter((x) => x !== "");
    if (outOfWindow.length > 0) notes.push(`Tyres: ${outOfWindow.join(", ")}`);
    if (c.anomalies !== null && c.anomalies > 0) notes.push(`${c.anomalies} anomal${c.anomalies === 1 ? "y" : "ies"} now`);
    this.text(this.engineer, notes.join(" · "));
    const parts = c.damage === null ? [] : c.damage.map((d, i) => (d > 0 ? `${DAMAGE_PARTS[i]} ${Math.round(d * 100)}%` : "")).filter((x) => x !== "");
    this.text(this.damage, c.damage === null ? "" : parts.length === 0 ? "No damage" : `Damage: ${parts.join(", ")}`);
  }
}
