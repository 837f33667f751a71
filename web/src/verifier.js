// The browser's receipt verifier: an independent implementation of docs/receipt-format.md
// "Verification", giving the same verdict, check by check, as client/tiezheng/verifier.py.
//
//   await ready();
//   const verdict = verifyReceipt(receiptBytes, genesisText, { digest });
//   verdict.valid; verdict.checks  // [{ name, ok, key, values, detail }], in the order below

import { formatEvidenceId, parseEvidenceId } from "./evidence-id.js";
import { parseGenesis } from "./genesis.js";
import { leafHash, verifyInclusion } from "./merkle.js";
import {
  CheckFailed,
  checkSeals,
  checkSignatures,
  decodeBatchHeader,
  decodeConsensusHeader,
  decodeStatement,
  followTransitions,
  sameBytes,
} from "./objects.js";
import { loadReceipt } from "./receipt.js";
import { ready as smReady, sm3, toHex } from "./sm.js";

export { formatEvidenceId, parseEvidenceId } from "./evidence-id.js";
export { verifyConsistency, verifyInclusion } from "./merkle.js";
export { decodeConsensusHeader, checkSeals } from "./objects.js";
export { genesisOfAnswer, parseGenesis } from "./genesis.js";
export { sm3, toHex, fromHex } from "./sm.js";

export const CHECKS = [
  "receipt", "genesis", "evidence-id", "statement", "digest", "signatures",
  "batch-path", "validator-set", "header", "inclusion", "seals",
];

// What each check found, in English, by key: a check carries the key and its values besides the
// English sentence, so that a page can say the same in another language from the same key
// (node/tiezheng_node/api/explorer/i18n.py "check.detail.*", whose English a test keeps equal to
// these). The sentences are client/tiezheng/verifier.py's, word for word.
export const DETAILS = {
  "receipt.ok": "decodes",
  "genesis.ok": "chain {chain} (id {id}), genesis {genesis}…",
  "genesis.other":
    "the receipt is for chain {chain} (id {id}, genesis {genesis}…), not the given genesis {given_chain} (id {given_id}, {given_genesis}…)",
  "evidence-id.ok": "{evidence_id} is leaf {leaf}",
  "evidence-id.other": "{evidence_id} is not the canonical evidence ID of leaf {leaf} of chain {chain} ({canonical})",
  "statement.ok": "well-formed",
  "digest.no-file": "no file given: the record's bytes were not compared",
  "digest.ok": "SM3 of the file is {digest}",
  "digest.other": "the file's SM3 {digest} is not the anchored digest {anchored}",
  "signatures.direct": "agency {agency} and the {cosigners} co-signer(s) the statement names",
  "signatures.batch": "agency {agency} and the {cosigners} co-signer(s) its header names signed the batch header",
  "signatures.batch-unanchored":
    "agency {agency} signed the batch header; the {cosigners} co-signer(s) it names are not named by the statement, "
    + "so not anchored with it, and not counted",
  "batch-path.direct": "not batched",
  "batch-path.ok": "statement {position} of the batch",
  "validator-set.ok": "{transitions} hand-over(s) since genesis",
  "header.ok": "block {height}, log size {size}",
  "header.other": "the consensus header is for another chain, another validator set, or a log that does not yet hold the leaf",
  "inclusion.ok": "leaf {leaf} is in the log of {size} at root {root}…",
  "inclusion.other": "the inclusion proof does not lead to the header's log root",
  "seals.ok": "{count} of {total} validators sealed block {height} (quorum {quorum})",
};

/** A sentence with its {name} places filled from values (a place without a value is left as it is). */
export function fill(sentence, values = {}) {
  return sentence.replace(/\{([a-z_]+)\}/g, (place, name) => (name in values ? String(values[name]) : place));
}

/** A check's outcome: { name, ok, key, values, detail }, detail being the English sentence. */
function outcome(name, ok, key, values = {}) {
  return { name, ok, key, values, detail: fill(DETAILS[key], values) };
}

export async function ready() {
  await smReady();
}

class Stop extends Error {}

/**
 * Check a receipt (bytes of the .tzr file or its JSON rendering) against a genesis (the JSON
 * file's bytes or text, or a genesis from parseGenesis) and, if given, the record's SM3 digest.
 *
 * Without a digest the "digest" check passes, as in the Python verifier, but carries
 * checked: false, and verdict.fileChecked is false: the receipt is valid, the file unknown.
 */
export function verifyReceipt(receiptBytes, genesis, { digest = null } = {}) {
  const verdict = {
    checks: [], valid: false, fileChecked: digest !== null, evidenceId: null, statement: null, header: null, sealedBy: [],
  };
  try {
    run(verdict, receiptBytes, genesis, digest);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  verdict.valid = verdict.checks.length === CHECKS.length && verdict.checks.every((c) => c.ok);
  verdict.failed = verdict.checks.find((c) => !c.ok) ?? null;
  return verdict;
}

function run(verdict, receiptBytes, genesisInput, digest) {
  const isFile = typeof genesisInput === "string" || genesisInput instanceof Uint8Array;
  const genesis = isFile ? parseGenesis(genesisInput, sm3) : genesisInput;
  // A step that throws fails its check with the error's code ("error" for one without), which a
  // page words in its own language; detail keeps the error's English message.
  const step = (name, action, success) => {
    let result;
    try {
      result = action();
    } catch (error) {
      if (error instanceof Stop) throw error;
      const code = error.code ?? "error";
      verdict.checks.push({ name, ok: false, key: "error", values: { code }, detail: `${error.message} [${code}]` });
      throw new Stop();
    }
    if (success !== null) verdict.checks.push(outcome(name, true, ...(typeof success === "function" ? success(result) : success)));
    return result;
  };
  const require = (name, condition, success, failure) => {
    verdict.checks.push(outcome(name, condition, ...(condition ? success : failure)));
    if (!condition) throw new Stop();
  };
  const short = (bytes) => toHex(bytes).slice(0, 16);

  const receipt = step("receipt", () => loadReceipt(receiptBytes), ["receipt.ok"]);
  const chain = receipt.chain;
  require(
    "genesis",
    sameBytes(chain.genesis, genesis.hash) && chain.id === genesis.chainId && chain.code === genesis.chainCode,
    ["genesis.ok", { chain: genesis.chainCode, id: genesis.chainId, genesis: short(genesis.hash) }],
    ["genesis.other", {
      chain: chain.code, id: chain.id, genesis: short(chain.genesis),
      given_chain: genesis.chainCode, given_id: genesis.chainId, given_genesis: short(genesis.hash),
    }],
  );

  const id = step("evidence-id", () => parseEvidenceId(receipt.evidenceId), null);
  // The receipt carries the canonical spelling: accepting "dev-…" for "DEV-…" would let a
  // receipt's bytes change without its verdict changing.
  const canonical = formatEvidenceId(genesis.chainCode, BigInt(receipt.leaf));
  require(
    "evidence-id",
    receipt.evidenceId === canonical && id.chain === genesis.chainCode && id.index === BigInt(receipt.leaf),
    ["evidence-id.ok", { evidence_id: receipt.evidenceId, leaf: receipt.leaf }],
    ["evidence-id.other", { evidence_id: receipt.evidenceId, leaf: receipt.leaf, chain: genesis.chainCode, canonical }],
  );
  verdict.evidenceId = canonical;

  const statement = step("statement", () => decodeStatement(receipt.statement), ["statement.ok"]);
  verdict.statement = statement;

  if (digest === null) {
    verdict.checks.push({ ...outcome("digest", true, "digest.no-file"), checked: false });
  } else {
    require(
      "digest",
      sameBytes(digest, statement.digest),
      ["digest.ok", { digest: toHex(digest) }],
      ["digest.other", { digest: toHex(digest), anchored: toHex(statement.digest) }],
    );
  }

  if (receipt.batch === null) {
    step(
      "signatures",
      () => checkSignatures(receipt.statement, receipt.signatures, statement.key, statement.cosigners, "statement"),
      ["signatures.direct", { agency: statement.agency, cosigners: statement.cosigners.length }],
    );
    verdict.checks.push(outcome("batch-path", true, "batch-path.direct"));
  } else {
    const batch = receipt.batch;
    step(
      "signatures",
      () => {
        const header = decodeBatchHeader(batch.header);
        checkSignatures(batch.header, batch.signatures, statement.key, header.cosigners, "batch header");
        return header;
      },
      // A statement naming none under a header naming some is an older record's: its header's co-signers
      // verify, but the log never held them, so they are not counted.
      (header) => [
        header.cosigners.length > 0 && statement.cosigners.length === 0 ? "signatures.batch-unanchored" : "signatures.batch",
        { agency: statement.agency, cosigners: header.cosigners.length },
      ],
    );
    step("batch-path", () => checkBatchPath(batch, receipt.statement), ["batch-path.ok", { position: batch.index }]);
  }

  const [validators, since] = step(
    "validator-set",
    () => followTransitions(genesis.validators, receipt.transitions, genesis.chainId, receipt.version, sm3),
    ["validator-set.ok", { transitions: receipt.transitions.length }],
  );

  const header = step("header", () => {
    const decoded = decodeConsensusHeader(receipt.header);
    // Each receipt version goes with one header version (a chain's headers all have one): a receipt re-spelt
    // in the other version, over the same header, would be a second encoding of the same receipt.
    if (decoded.version !== receipt.version) {
      throw new CheckFailed(
        `the consensus header is version ${decoded.version}; a version ${receipt.version} receipt carries version ${receipt.version} headers`,
        "header-version",
      );
    }
    return decoded;
  }, null);
  require(
    "header",
    header.chainId === genesis.chainId &&
      sameBytes(header.validators, validators.hash) &&
      header.height >= since &&
      receipt.leaf < header.logSize,
    ["header.ok", { height: header.height, size: header.logSize }],
    ["header.other"],
  );
  verdict.header = header;

  require(
    "inclusion",
    verifyInclusion(leafHash(receipt.statement, sm3), receipt.leaf, header.logSize, receipt.inclusion, header.logRoot, sm3),
    ["inclusion.ok", { leaf: receipt.leaf, size: header.logSize, root: short(header.logRoot) }],
    ["inclusion.other"],
  );

  step(
    "seals",
    () => checkSeals(receipt.header, receipt.seals, validators),
    ["seals.ok", {
      count: receipt.seals.length, total: validators.validators.length, height: header.height, quorum: validators.quorum,
    }],
  );
  verdict.sealedBy = receipt.seals.map((s) => validators.validators[Number(s.validator)].name);
}

function sameCosigners(named, others) {
  return named.length === others.length
    && named.every((cosigner, i) => cosigner.role === others[i].role && sameBytes(cosigner.key, others[i].key));
}

function checkBatchPath(batch, statementBytes) {
  const header = decodeBatchHeader(batch.header);
  checkSignatures(batch.header, batch.signatures, header.key, header.cosigners, "batch header");
  const statement = decodeStatement(statementBytes);
  if (statement.agency !== header.agency || !sameBytes(statement.key, header.key)) {
    throw new CheckFailed("the statement's agency or key differs from its batch header's", "batch-mismatch");
  }
  // The log holds the statement, not the header: each statement names its batch's co-signers, so that a header
  // made later, by whoever holds the agency's key, cannot add a co-signer to a record logged without one. A
  // statement naming none is an older record's: its header's co-signers are not counted (see the signatures step).
  if (statement.cosigners.length > 0 && !sameCosigners(statement.cosigners, header.cosigners)) {
    throw new CheckFailed(
      "a statement in a batch names exactly the co-signers its batch header names",
      "cosigners-in-batch",
    );
  }
  if (!verifyInclusion(leafHash(statementBytes, sm3), batch.index, header.size, batch.path, header.root, sm3)) {
    throw new CheckFailed("the statement's path does not lead to the signed batch root", "bad-batch-path");
  }
  return header;
}
