// A small Dockerfile reader (instructions, stages) and .dockerignore matcher: enough to check the
// images' structure where Docker itself can't run.
import { readFileSync } from "node:fs";

export interface Instruction {
  keyword: string; // upper case
  args: string; // the rest of the (joined) line
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  args: Map<string, string>; // global ARG defaults (before the first FROM)
  stages: Stage[];
}

export function readDockerfile(file: string): Dockerfile {
  const lines = readFileSync(file, "utf8").split("\n");
  const instructions: Instruction[] = [];
  let pending = "";
  let start = 0;
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    if (pending === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) return;
    if (pending === "") start = i + 1;
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      return;
    }
    const full = (pending + line).trim();
    pending = "";
    const m = /^(\S+)\s*(.*)$/.exec(full)!;
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, line: start });
  });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`${file}:${ins.line}: unreadable FROM ${ins.args}`);
      stages.push({ name: m[2] ?? String(stages.length), from: m[1]!, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === "ARG") {
        const [k, v] = ins.args.split("=", 2);
        args.set(k!.trim(), (v ?? "").trim());
      }
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args, stages };
}

/** Instructions of one stage, including those it inherits from stages it is built FROM. */
export function effective(df: Dockerfile, stage: Stage, keyword: string): Instruction[] {
  const parent = df.stages.find((s) => s.name === stage.from);
  const inherited = parent ? effective(df, parent, keyword) : [];
  return [...inherited, ...stage.instructions.filter((i) => i.keyword === keyword)];
}

/** Exec-form JSON array of CMD/ENTRYPOINT, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** COPY sources taken from the build context (not --from another stage). */
export function contextCopies(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args))
    .flatMap((i) => {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith("--"));
      return parts.slice(0, -1);
    });
}

function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (pattern.startsWith("**/", i)) {
      re += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      re += ".*";
      i += 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** .dockerignore semantics for plain and `**` patterns (no `!` exceptions): is this context path excluded? */
export function dockerignored(ignoreFile: string, relPath: string): boolean {
  const patterns = readFileSync(ignoreFile, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((p) => globToRegExp(p.replace(/^\/+|\/+$/g, "")));
  const clean = relPath.replace(/^\.\/|\/+$/g, "");
  const segments = clean.split("/");
  // A path is excluded when it or any parent directory matches.
  for (let n = 1; n <= segments.length; n++) {
    const prefix = segments.slice(0, n).join("/");
    if (patterns.some((re) => re.test(prefix))) return true;
  }
  return false;
}
