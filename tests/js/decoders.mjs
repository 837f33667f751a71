// Runs the browser's decoders (web/src) over a JSON list of {"kind", "hex"} inputs and prints one
// JSON line per input: {"ok": true} or {"error": code}. tests/test_decoders_js.py compares them
// with the Python decoders' verdicts. With --messages, an error's line has its message too, for the
// inputs whose first fault both sides must name alike.
//
//   node tests/js/decoders.mjs INPUTS.json [--messages]

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const web = (name) => import(path.join(REPO, "web/src", name));
const { decode } = await web("cbor.js");
const { parseGenesis } = await web("genesis.js");
const objects = await web("objects.js");
const { loadReceipt } = await web("receipt.js");
const sm = await web("sm.js");
await sm.ready();

const DECODERS = {
  cbor: (bytes) => decode(bytes, { maxSize: 4096 }),
  statement: objects.decodeStatement,
  "batch-header": objects.decodeBatchHeader,
  "consensus-header": objects.decodeConsensusHeader,
  "validator-set": (bytes) => objects.validatorSetFromKeys(bytes, sm.sm3),
  genesis: (bytes) => parseGenesis(bytes, sm.sm3),
  "receipt-file": loadReceipt,
};

const withMessages = process.argv[3] === "--messages";
for (const { kind, hex } of JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) {
  let line;
  try {
    DECODERS[kind](new Uint8Array(Buffer.from(hex, "hex")));
    line = { ok: true };
  } catch (error) {
    // An error without a code is one the decoder did not mean to throw: reported as such.
    if (error.code === undefined) line = { error: "thrown", message: String(error) };
    else line = withMessages ? { error: error.code, message: error.message } : { error: error.code };
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
