// Parses each evidence ID of a JSON list with the browser's parser (web/src/evidence-id.js) and
// prints one JSON line per ID: {"chain", "index"} or {"error": code}. tests/test_evidence_id_js.py
// compares them with the Python parser's.
//
//   node tests/js/evidence_ids.mjs IDS.json

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { parseEvidenceId } = await import(path.join(REPO, "web/src/evidence-id.js"));

for (const text of JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) {
  let line;
  try {
    const { chain, index } = parseEvidenceId(text);
    line = { chain, index: index.toString() };
  } catch (error) {
    line = { error: error.code };
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
