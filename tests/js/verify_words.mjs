// What /verify says about each shared receipt vector, in both languages: runs the browser verifier
// (web/src) and the page's wording (web/src/verify-words.js) under Node with the page's words,
// printing one JSON line per check, verdict and refusal — tests/test_verify_words.py reads them.
//
//   node tests/js/verify_words.mjs WORDS.json   (WORDS.json: {"zh": {key: text}, "en": {...}})

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const verifier = await import(path.join(REPO, "web/src/verifier.js"));
const wording = await import(path.join(REPO, "web/src/verify-words.js"));
await verifier.ready();

const words = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");

out({ what: "details", details: verifier.DETAILS });

const folder = path.join(REPO, "tests/vectors/receipts");
const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8"));
for (const item of manifest.cases) {
  const genesis = fs.readFileSync(path.join(folder, item.genesis), "utf8");
  const receipt = new Uint8Array(fs.readFileSync(path.join(folder, item.receipt)));
  const record = item.record ? verifier.sm3(new Uint8Array(fs.readFileSync(path.join(folder, item.record)))) : null;
  // Each case as given, and each case without its file: what a court sees when none is chosen.
  for (const digest of record === null ? [null] : [record, null]) {
    const verdict = verifier.verifyReceipt(receipt, genesis, { digest });
    const byName = new Map(verdict.checks.map((c) => [c.name, c]));
    out({
      what: "verdict", name: item.name, file: digest !== null, kind: wording.verdictKind(verdict),
      zh: words.zh[wording.VERDICT_WORDS[wording.verdictKind(verdict)]],
    });
    for (const name of verifier.CHECKS) {
      const check = byName.get(name);
      out({
        what: "check", name: item.name, file: digest !== null, check: name, state: wording.checkState(check),
        key: check?.key ?? null, code: check?.values?.code ?? null, detail: check?.detail ?? null,
        zh: wording.checkLine(check, words.zh, "zh").text, en: wording.checkLine(check, words.en, "en").text,
      });
    }
  }
}

// Refusals before any check: a receipt asked for by an ID the node refuses, a genesis that does not read.
for (const [code, status] of [["evidence-id-checksum", 400], ["bad-evidence-id", 400], ["wrong-chain", 404],
  ["not-found", 404], ["not-proven", 409], [null, 502]]) {
  for (const language of ["zh", "en"]) {
    out({ what: "fetch", code, language, text: wording.fetchRefusal(code, "DEV-000001-XX", status, words[language]).message });
  }
}
for (const language of ["zh", "en"]) {
  let text = null;
  try {
    verifier.verifyReceipt(new Uint8Array([0xa0]), '{"format": "not-a-genesis"}');
  } catch (error) {
    text = wording.refusal(error, words[language], language);
  }
  out({ what: "genesis", language, text });
}
