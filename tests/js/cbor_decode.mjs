// Decodes each hex string of a JSON list with the browser's strict CBOR decoder (web/src/cbor.js)
// and prints one JSON line per input: {"ok": true} or {"error": code}. tests/test_cbor_js.py
// compares them with the Python decoder's verdicts.
//
//   node tests/js/cbor_decode.mjs INPUTS.json

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { decode, DecodeError } = await import(path.join(REPO, "web/src/cbor.js"));

for (const hex of JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) {
  let line;
  try {
    decode(new Uint8Array(Buffer.from(hex, "hex")), { maxSize: 4096 });
    line = { ok: true };
  } catch (error) {
    line = error instanceof DecodeError ? { error: error.code } : { error: "thrown", message: String(error) };
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
