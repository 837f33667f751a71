// Runs the browser verifier bundle (node/tiezheng_node/api/explorer/static/verifier.js) under
// Node over the shared receipt vectors and the RFC 9162 proof vectors, printing one JSON
// line per case: {"suite", "name", "valid", "failed", "code"} — tests/test_receipt_vectors.py
// compares them with the verdicts the vectors state and the codes the Python verifier gives.
//
//   node tests/js/receipt_vectors.mjs [EXTRA_MANIFEST...]

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const verifier = await import(path.join(REPO, "node/tiezheng_node/api/explorer/static/verifier.js"));
await verifier.ready();

const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");
// The error code of a check that failed by refusing its input (null for a comparison that failed).
const codeOf = (verdict) => (verdict.failed?.key === "error" ? verdict.failed.values.code : null);

// The current format's vectors, and receipt v1's, which stay valid for the courts that hold them.
for (const suite of ["receipts", "receipts-v1"]) {
  const receipts = path.join(REPO, "tests/vectors", suite);
  const manifest = JSON.parse(fs.readFileSync(path.join(receipts, "manifest.json"), "utf8"));
  for (const item of manifest.cases) {
    const genesis = new Uint8Array(fs.readFileSync(path.join(receipts, item.genesis))); // bytes, as /verify reads the file
    const receipt = new Uint8Array(fs.readFileSync(path.join(receipts, item.receipt)));
    const digest = item.record ? verifier.sm3(new Uint8Array(fs.readFileSync(path.join(receipts, item.record)))) : null;
    const verdict = verifier.verifyReceipt(receipt, genesis, { digest });
    out({ suite, name: item.name, valid: verdict.valid, failed: verdict.failed?.name ?? null, code: codeOf(verdict) });
  }
}

// Extra cases (for instance mutated receipts) in a manifest of the same shape, given as an argument.
for (const extra of process.argv.slice(2)) {
  const folder = path.dirname(extra);
  for (const item of JSON.parse(fs.readFileSync(extra, "utf8")).cases) {
    const genesis = new Uint8Array(fs.readFileSync(path.join(folder, item.genesis)));
    const receipt = new Uint8Array(fs.readFileSync(path.join(folder, item.receipt)));
    const digest = item.record ? verifier.sm3(new Uint8Array(fs.readFileSync(path.join(folder, item.record)))) : null;
    let line;
    try {
      const verdict = verifier.verifyReceipt(receipt, genesis, { digest });
      line = { suite: "extra", name: item.name, valid: verdict.valid, failed: verdict.failed?.name ?? null, code: codeOf(verdict) };
    } catch (error) {
      // A genesis the verifier will not trust at all stops before any check, as in Python; its
      // errors carry a code (bad-genesis, or a field rule's), any other would be a fault.
      const refused = error.code !== undefined;
      line = { suite: "extra", name: item.name, valid: refused ? false : null, failed: refused ? "genesis" : null, code: error.code ?? null };
      if (!refused) line.error = String(error);
    }
    out(line);
  }
}

// RFC 9162 proofs: the published SHA-256 cases and our SM3 ones, in transparency-dev's JSON shape.
const b64 = (text) => (text === null || text === undefined ? null : new Uint8Array(Buffer.from(text, "base64")));
const hashes = {
  rfc6962: (data) => new Uint8Array(createHash("sha256").update(data).digest()),
  sm3: verifier.sm3,
};
for (const [suite, hash] of Object.entries(hashes)) {
  for (const kind of ["inclusion", "consistency"]) {
    const base = path.join(REPO, "tests/vectors", suite, kind);
    for (const dir of fs.readdirSync(base).sort()) {
      if (!fs.statSync(path.join(base, dir)).isDirectory()) continue;
      for (const file of fs.readdirSync(path.join(base, dir)).sort()) {
        if (!file.endsWith(".json")) continue;
        const c = JSON.parse(fs.readFileSync(path.join(base, dir, file), "utf8"));
        const proof = (c.proof ?? []).map(b64);
        const ok =
          kind === "inclusion"
            ? verifier.verifyInclusion(b64(c.leafHash), c.leafIdx, c.treeSize, proof, b64(c.root), hash)
            : verifier.verifyConsistency(c.size1, c.size2, b64(c.root1), b64(c.root2), proof, hash);
        out({ suite: `${suite}/${kind}`, name: `${dir}/${file}`, valid: ok, wantErr: c.wantErr });
      }
    }
  }
}
