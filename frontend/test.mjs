// Runs the node unit tests (src/**/*.test.ts): esbuild compiles each to
// .test-out/, then node's built-in test runner runs them.
import * as esbuild from "esbuild";
import { readdir, rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import path from "node:path";

async function find(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await find(p)));
    else if (e.name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const files = await find("src");
await rm(".test-out", { recursive: true, force: true });
await esbuild.build({
  entryPoints: files,
  bundle: true,
  platform: "node",
  format: "esm",
  outdir: ".test-out",
  outbase: "src",
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
});
const outs = files.map((f) => path.join(".test-out", path.relative("src", f)).replace(/\.ts$/, ".mjs"));
const r = spawnSync(process.execPath, ["--test", ...outs], { stdio: "inherit" });
process.exit(r.status ?? 1);
