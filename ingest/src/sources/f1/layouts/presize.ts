// Pre-sized result objects for binary-parser layouts. binary-parser generates the parse code from our
// declarations but starts every parsed object as `{}` and adds fields one by one: past four fields V8
// then grows the object's out-of-line property store again and again, which for 22 cars x ~25 fields
// per packet was the largest single cost of decoding. Here the same generated code is compiled with
// each `{}` replaced by an object literal that already lists, in the same order, exactly the fields
// the code assigns unconditionally, so every car object is allocated once at its final size.
// The packet (root) object likewise, without the context variables binary-parser adds and deletes.
import type { Parser } from "binary-parser";

const EMPTY_OBJECT = /^(var (\$tmp\d+|vars)|vars(?:\.\w+)+) = \{\};$/;
/** binary-parser's context variables on the root object: set, then deleted before returning. */
const ROOT_CONTEXT = new Set(["vars.$parent = null;", "vars.$root = vars;", "delete vars.$parent;", "delete vars.$root;"]);

function escapeRegExp(s: string): string {
  return s.replace(/[$.]/g, "\\$&");
}

/**
 * Compiles `parser` with pre-sized result objects and installs that as its compiled form; returns it.
 * Layouts whose generated code branches (choice, readUntil) or uses imported functions are left to
 * binary-parser's own compile(): a field assigned only on some paths must stay absent on the others.
 */
export function presized<P extends Parser>(parser: P): P {
  const code = parser.getCode();
  if (/\b(switch|if|while|do|imports)\b/.test(code)) return parser;
  let lines = code.split("\n");
  // Nothing reads the root's $parent/$root unless context variables are on; deleting them at the end
  // also turned every packet object into a slow dictionary-mode object, so they are left out entirely.
  const contextLines = lines.filter((l) => l.includes("$parent") || l.includes("$root"));
  if (contextLines.every((l) => ROOT_CONTEXT.has(l))) lines = lines.filter((l) => !ROOT_CONTEXT.has(l));
  for (let i = 0; i < lines.length; i++) {
    const m = EMPTY_OBJECT.exec(lines[i]!);
    if (m === null) continue;
    const target = m[2] ?? m[1]!;
    const assigned = new RegExp(`^${escapeRegExp(target)}\\.(\\w+) = `);
    const fields: string[] = [];
    for (let k = i + 1; k < lines.length; k++) {
      const f = assigned.exec(lines[k]!);
      if (f !== null && !fields.includes(f[1]!)) fields.push(f[1]!);
    }
    // $parent/$root (if still there) are context variables binary-parser deletes itself: never pre-declared
    const keep = fields.filter((f) => !f.startsWith("$"));
    lines[i] = lines[i]!.replace("{};", `{ ${keep.map((f) => `${f}: undefined`).join(", ")} };`);
  }
  // the same wrapper binary-parser's compile() builds around its generated code
  const compiled = new Function("TextDecoder", `return function (buffer, constructorFn) { ${lines.join("\n")} };`)(
    TextDecoder) as (buffer: Buffer, constructorFn?: unknown) => unknown;
  parser.compiled = compiled;
  return parser;
}
