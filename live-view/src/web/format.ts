// Text for numbers as a timing screen shows them.

/** 76705 -> "1:16.705"; null -> "". */
export function lapTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms <= 0) return "";
  const m = Math.floor(ms / 60000);
  const s = (ms % 60000) / 1000;
  return `${m}:${s.toFixed(3).padStart(6, "0")}`;
}

/** A gap in ms as "+1.234" (or "+1:02.345" over a minute); "" when unknown or zero. */
export function gap(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms <= 0) return "";
  return ms >= 60000 ? `+${lapTime(ms)}` : `+${(ms / 1000).toFixed(3)}`;
}

export function num(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined ? "-" : v.toFixed(digits);
}

/** "2026-12-01 22:40" in the browser's time zone. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const WORDS: Record<string, string> = {
  f1: "F1", f1_simulated: "F1 (simulated)", f1_live_timing: "Formula 1 (live timing)", acc: "ACC", sprint_shootout: "Sprint shootout", time_trial: "Time trial",
};

/** "race" -> "Race", "f1_simulated" -> "F1 (simulated)". */
export function words(v: string): string {
  if (v === "") return "";
  return WORDS[v] ?? v.charAt(0).toUpperCase() + v.slice(1).replace(/_/g, " ");
}

/** Short tyre label and colour class: "soft" -> ["S", "soft"], "C3" -> ["C3", ""]. */
export function tyre(compound: string): [string, string] {
  const c = compound.toLowerCase();
  if (c === "soft" || c === "super_soft" || c === "hyper_soft") return ["S", "soft"];
  if (c === "medium") return ["M", "medium"];
  if (c === "hard") return ["H", "hard"];
  if (c === "inter" || c === "intermediate") return ["I", "inter"];
  if (c === "wet") return ["W", "wet"];
  if (c === "dry") return ["D", "hard"];
  if (c === "") return ["", ""];
  return [compound.slice(0, 3).toUpperCase(), ""];
}
