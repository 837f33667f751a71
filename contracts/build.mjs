// Compile every contract under contracts/src and contracts/test with the pinned solc-js
// (package.json: "solc": "0.8.37") into one JSON artifact per contract.
//
//   node contracts/build.mjs            write contracts/artifacts/<ContractName>.json
//   node contracts/build.mjs --out DIR  write them to DIR instead
//   node contracts/build.mjs --check    exit 1, listing the files, if contracts/artifacts is not
//                                       exactly what a build gives now; exit 0 if it is
//
// Source unit names are repo-relative ("contracts/src/AgencyRegistry.sol"), so the metadata and
// the bytecode do not depend on where the repository is checked out. Any compiler error or
// warning fails the build (exit 1); a solc other than 0.8.37 refuses to run (exit 2).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const PINNED = "0.8.37";
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["contracts/src", "contracts/test"];
const ARTIFACTS = path.join(REPO, "contracts", "artifacts");

const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "prague",
  metadata: { bytecodeHash: "ipfs" },
  outputSelection: {
    "*": {
      "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "metadata", "storageLayout"],
    },
  },
};

const USAGE = "usage: node contracts/build.mjs [--out DIR | --check]";

function fail(code, message) {
  process.stderr.write(`contracts/build.mjs: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const options = { out: null, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") {
      options.check = true;
    } else if (arg === "--out") {
      if (i + 1 >= argv.length) fail(2, `--out needs a directory\n${USAGE}`);
      options.out = argv[++i];
    } else if (arg.startsWith("--out=")) {
      options.out = arg.slice("--out=".length);
    } else if (arg === "-h" || arg === "--help") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      fail(2, `unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (options.check && options.out !== null) fail(2, `--check and --out cannot be combined\n${USAGE}`);
  if (options.out === "") fail(2, `--out needs a directory\n${USAGE}`);
  return options;
}

async function loadSolc() {
  let solc;
  try {
    ({ default: solc } = await import("solc"));
  } catch (error) {
    fail(2, `cannot load the solc package (${error.code ?? error.message}); run scripts/bootstrap --test (or npm ci)`);
  }
  const version = solc.version();
  if (!version.startsWith(`${PINNED}+commit`)) {
    fail(2, `solc ${version} is installed but ${PINNED} is pinned; run npm ci (or scripts/bootstrap --test)`);
  }
  return solc;
}

/** Every .sol file under the source directories, as repo-relative POSIX paths, sorted. */
function findSources() {
  const found = [];
  const walk = (relative) => {
    const absolute = path.join(REPO, ...relative.split("/"));
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith(".sol")) found.push(child);
    }
  };
  SOURCE_DIRS.forEach(walk);
  return found.sort();
}

function compile(solc) {
  const names = findSources();
  if (names.length === 0) fail(1, `no .sol files under ${SOURCE_DIRS.join(" or ")}`);
  const sources = {};
  for (const name of names) {
    sources[name] = { content: fs.readFileSync(path.join(REPO, ...name.split("/")), "utf8") };
  }
  const input = { language: "Solidity", sources, settings: SETTINGS };
  // Every source is given up front; an import of anything else is an error, not a file read.
  const findImports = (importPath) => ({ error: `import of ${importPath}, which is not under ${SOURCE_DIRS.join(" or ")}` });
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

  const problems = (output.errors ?? []).filter((e) => e.severity === "error" || e.severity === "warning");
  for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage ?? e.message}\n`);
  if (problems.length > 0) {
    const errors = problems.filter((e) => e.severity === "error").length;
    fail(1, `${errors} error(s) and ${problems.length - errors} warning(s); no artifacts written`);
  }

  const version = solc.version();
  const artifacts = new Map();
  for (const sourceName of Object.keys(output.contracts ?? {}).sort()) {
    const contracts = output.contracts[sourceName];
    for (const contractName of Object.keys(contracts).sort()) {
      const c = contracts[contractName];
      const fileName = `${contractName}.json`;
      if (artifacts.has(fileName)) {
        fail(1, `two contracts are named ${contractName} (${artifacts.get(fileName).sourceName} and ${sourceName})`);
      }
      artifacts.set(fileName, {
        contractName,
        sourceName,
        compiler: { version, settings: SETTINGS },
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
        metadata: c.metadata,
        storageLayout: c.storageLayout,
      });
    }
  }
  return artifacts;
}

/** Write the artifacts into dir and delete the .json files there for contracts that no longer exist. */
function writeArtifacts(artifacts, dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [fileName, artifact] of artifacts) {
    fs.writeFileSync(path.join(dir, fileName), `${JSON.stringify(artifact, null, 2)}\n`);
  }
  const stale = [];
  for (const fileName of fs.readdirSync(dir)) {
    if (fileName.endsWith(".json") && !artifacts.has(fileName)) {
      fs.rmSync(path.join(dir, fileName));
      stale.push(fileName);
    }
  }
  return stale;
}

function jsonFiles(dir) {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
}

function check(artifacts) {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "tiezheng-contracts-"));
  const differences = [];
  let built;
  try {
    writeArtifacts(artifacts, temp);
    built = jsonFiles(temp);
    const committed = new Set(jsonFiles(ARTIFACTS));
    for (const fileName of built) {
      if (!committed.has(fileName)) {
        differences.push(`missing: contracts/artifacts/${fileName}`);
      } else if (!fs.readFileSync(path.join(temp, fileName)).equals(fs.readFileSync(path.join(ARTIFACTS, fileName)))) {
        differences.push(`differs: contracts/artifacts/${fileName}`);
      }
      committed.delete(fileName);
    }
    for (const fileName of [...committed].sort()) differences.push(`stale:   contracts/artifacts/${fileName}`);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
  if (differences.length > 0) {
    process.stderr.write(`${differences.join("\n")}\n`);
    fail(1, "contracts/artifacts is out of date; run npm run build:contracts and commit the result");
  }
  process.stdout.write(`contracts/artifacts is up to date (${built.length} contracts)\n`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const solc = await loadSolc();
  const artifacts = compile(solc);
  if (options.check) {
    check(artifacts);
    return;
  }
  const dir = options.out === null ? ARTIFACTS : path.resolve(options.out);
  const stale = writeArtifacts(artifacts, dir);
  for (const fileName of stale) process.stdout.write(`removed stale ${fileName}\n`);
  const shown = path.relative(process.cwd(), dir) || ".";
  process.stdout.write(`compiled ${artifacts.size} contracts with solc ${solc.version()} into ${shown}\n`);
}

await main();
