// Bundles the page (src/web) into dist/web with esbuild: index.html, assets/app.js, assets/app.css.
// rpc serves these files; `npm run build` runs this after tsc. --check typechecks the page first.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "web");
mkdirSync(join(out, "assets"), { recursive: true });
const started = performance.now();
await build({
  entryPoints: { app: join(root, "src/web/main.ts") },
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  outdir: join(out, "assets"),
  logLevel: "warning",
  legalComments: "linked",
});
copyFileSync(join(root, "src/web/index.html"), join(out, "index.html"));
console.log(`live-view: page bundled into ${out} in ${Math.round(performance.now() - started)} ms`);
