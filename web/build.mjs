// Bundle the browser code under web/src with the pinned esbuild (package.json) into the node's
// static assets, which are committed so that a node installed without npm serves them.
//
//   node web/build.mjs           write node/tiezheng_node/api/explorer/static/{verifier,verify-page,sm3-worker,explorer}.js,
//                                and copy Swagger UI's bundle and stylesheet there (for /docs on a closed network)
//   node web/build.mjs --out DIR write them to DIR instead
//   node web/build.mjs --check   exit 1, listing the files, if the committed bundles are not exactly
//                                what a build gives now; exit 0 if they are
//
// The bundles are not minified (a court's expert can read what runs) and carry no source paths
// or timestamps, so a build is byte-for-byte reproducible from the same sources and lock file.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STATIC = path.join(REPO, "node", "tiezheng_node", "api", "explorer", "static");
const PINNED = "0.28.2";

// verifier.js is the library (also imported by the tests under Node); the pages import it at run time.
const BUNDLES = [
  { entry: "web/src/verifier.js", out: "verifier.js", format: "esm" },
  { entry: "web/src/verify-page.js", out: "verify-page.js", format: "esm", external: ["./verifier.js"] },
  { entry: "web/src/explorer.js", out: "explorer.js", format: "esm", external: ["./verifier.js"] },
  { entry: "web/src/sm3-worker.js", out: "sm3-worker.js", format: "iife" },
];

// Served as they are published (the pinned swagger-ui-dist): /docs loads them from the node, not a CDN.
const COPIED = [
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui-bundle.js"],
  ["node_modules/swagger-ui-dist/swagger-ui.css", "swagger-ui.css"],
  // Apache-2.0: its licence and notice travel with it, and the licences of what its bundle includes.
  ["node_modules/swagger-ui-dist/LICENSE", "swagger-ui.LICENSE.txt"],
  ["node_modules/swagger-ui-dist/NOTICE", "swagger-ui.NOTICE.txt"],
  ["node_modules/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt"],
];

async function build(outDir) {
  if (esbuild.version !== PINNED) {
    process.stderr.write(`web/build.mjs: esbuild ${esbuild.version} is not the pinned ${PINNED}\n`);
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const bundle of BUNDLES) {
    await esbuild.build({
      absWorkingDir: REPO,
      entryPoints: [bundle.entry],
      outfile: path.join(outDir, bundle.out),
      bundle: true,
      format: bundle.format,
      platform: "browser",
      target: ["es2022"],
      external: bundle.external ?? [],
      minify: false,
      sourcemap: false,
      legalComments: "inline",
      charset: "utf8",
      // Paths in the bundle's comments as the project sees them (node_modules/…), also where
      // node_modules is a link to another checkout's: otherwise the bundle names the link's target.
      preserveSymlinks: true,
      logLevel: "error",
      banner: { js: `// Built by web/build.mjs from ${bundle.entry} with esbuild ${PINNED}; do not edit.` },
    });
  }
  for (const [from, to] of COPIED) {
    fs.copyFileSync(path.join(REPO, from), path.join(outDir, to));
  }
  return [...BUNDLES.map((b) => b.out), ...COPIED.map(([, to]) => to)];
}

const args = process.argv.slice(2);
if (args[0] === "--check") {
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "tiezheng-web-"));
  const names = await build(temporary);
  const stale = names.filter((name) => {
    const committed = path.join(STATIC, name);
    return !fs.existsSync(committed) || !fs.readFileSync(committed).equals(fs.readFileSync(path.join(temporary, name)));
  });
  fs.rmSync(temporary, { recursive: true, force: true });
  if (stale.length) {
    process.stderr.write(`web/build.mjs: out of date: ${stale.join(", ")} (run node web/build.mjs)\n`);
    process.exit(1);
  }
} else if (args[0] === "--out" && args[1]) {
  await build(path.resolve(args[1]));
} else if (args.length === 0) {
  await build(STATIC);
} else {
  process.stderr.write("usage: node web/build.mjs [--out DIR | --check]\n");
  process.exit(2);
}
