// Builds dist/: index.html, static/app.js, static/app.css and the KaTeX woff2
// fonts. No source maps; output is deterministic so `make check` can diff it.
import * as esbuild from "esbuild";
import { readFile, rm, mkdir, writeFile, copyFile } from "node:fs/promises";

// KaTeX's CSS lists woff2, woff and ttf for each font. Keep only woff2 so the
// bundle carries one format (every browser we support reads woff2).
const woff2Only = {
  name: "woff2-only",
  setup(build) {
    build.onLoad({ filter: /katex(\.min)?\.css$/ }, async (args) => {
      let css = await readFile(args.path, "utf8");
      css = css.replace(/,\s*url\([^)]*\.woff\)\s*format\("woff"\)/g, "");
      css = css.replace(/,\s*url\([^)]*\.ttf\)\s*format\("truetype"\)/g, "");
      return { contents: css, loader: "css" };
    });
  },
};

await rm("dist", { recursive: true, force: true });
await mkdir("dist/static", { recursive: true });

const result = await esbuild.build({
  metafile: true,
  entryPoints: { app: "src/main.ts" },
  bundle: true,
  minify: true,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  outdir: "dist/static",
  assetNames: "fonts/[name]",
  loader: { ".woff2": "file" },
  plugins: [woff2Only],
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
});

// index.html preloads the app's modules (not KaTeX, which loads on first
// math), so the browser fetches them in parallel instead of in a chain.
const outputs = result.metafile.outputs;
const preload = new Set();
const visit = (out) => {
  if (preload.has(out)) return;
  preload.add(out);
  for (const imp of outputs[out].imports) if (imp.kind === "import-statement") visit(imp.path);
};
for (const [out, meta] of Object.entries(outputs)) {
  if (meta.entryPoint === "src/main.ts" || meta.entryPoint === "src/ui/notebook.ts" || meta.entryPoint === "src/ui/browser.ts") visit(out);
}
const links = [...preload]
  .filter((o) => o.endsWith(".js") && !o.endsWith("/app.js"))
  .sort()
  .map((o) => `<link rel="modulepreload" href="/static/${o.slice("dist/static/".length)}">`)
  .join("\n");
const html = await readFile("static/index.html", "utf8");
await writeFile("dist/index.html", html.replace("<!-- preload -->", links));
await copyFile("static/favicon.svg", "dist/static/favicon.svg");
await mkdir("dist/static/sandbox", { recursive: true });
await copyFile("static/sandbox/frame.html", "dist/static/sandbox/frame.html");
await copyFile("static/sandbox/widget.html", "dist/static/sandbox/widget.html");
