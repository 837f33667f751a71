// The browser's receipt verifier: an independent implementation of docs/receipt-format.md
// "Verification", giving the same verdict, check by check, as client/tiezheng/verifier.py.
//
//   await ready();
//   const verdict = verifyReceipt(receiptBytes, genesisText, { digest });
//   verdict.valid; verdict.checks  // [{ name, ok, detail }], in the order below

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
export { parseGenesis } from "./genesis.js";
export { sm3, toHex, fromHex } from "./sm.js";

export const CHECKS = [
  "receipt", "genesis", "evidence-id", "statement", "digest", "signatures",
  "batch-path", "validator-set", "header", "inclusion", "seals",
];

export async function ready() {
  await smReady();
}

class Stop extends Error {}

/**
 * Check a receipt (bytes of the .tzr file or its JSON rendering) against a genesis (the JSON
 * file's text, or a genesis from parseGenesis) and, if given, the record's SM3 digest.
 */
export function verifyReceipt(receiptBytes, genesis, { digest = null } = {}) {
  const verdict = { checks: [], valid: false, evidenceId: null, statement: null, header: null, sealedBy: [] };
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
  const genesis = typeof genesisInput === "string" ? parseGenesis(genesisInput, sm3) : genesisInput;
  const step = (name, action, success) => {
    let result;
    try {
      result = action();
    } catch (error) {
      if (error instanceof Stop) throw error;
      verdict.checks.push({ name, ok: false, detail: `${error.message} [${error.code ?? "error"}]` });
      throw new Stop();
    }
    if (success !== null) verdict.checks.push({ name, ok: true, detail: typeof success === "function" ? success(result) : success });
    return result;
  };
  const require = (name, condition, success, failure) => {
    verdict.checks.push({ name, ok: condition, detail: condition ? success : failure });
    if (!condition) throw new Stop();
  };

  const receipt = step("receipt", () => loadReceipt(receiptBytes), "decodes");
  const chain = receipt.chain;
  require(
    "genesis",
    sameBytes(chain.genesis, genesis.hash) && chain.id === genesis.chainId && chain.code === genesis.chainCode,
    `chain ${genesis.chainCode} (id ${genesis.chainId}), genesis ${toHex(genesis.hash).slice(0, 16)}…`,
    `the receipt is for chain ${chain.code} (id ${chain.id}, genesis ${toHex(chain.genesis).slice(0, 16)}…), ` +
      `not the given genesis ${genesis.chainCode} (id ${genesis.chainId}, ${toHex(genesis.hash).slice(0, 16)}…)`,
  );

  const id = step("evidence-id", () => parseEvidenceId(receipt.evidenceId), null);
  // The receipt carries the canonical spelling: accepting "dev-…" for "DEV-…" would let a
  // receipt's bytes change without its verdict changing.
  const canonical = formatEvidenceId(genesis.chainCode, BigInt(receipt.leaf));
  require(
    "evidence-id",
    receipt.evidenceId === canonical && id.chain === genesis.chainCode && id.index === BigInt(receipt.leaf),
    `${receipt.evidenceId} is leaf ${receipt.leaf}`,
    `${receipt.evidenceId} is not the canonical evidence ID of leaf ${receipt.leaf} of chain ${genesis.chainCode} (${canonical})`,
  );
  verdict.evidenceId = canonical;

  const statement = step("statement", () => decodeStatement(receipt.statement), "well-formed");
  verdict.statement = statement;

  if (digest === null) {
    verdict.checks.push({ name: "digest", ok: true, detail: "no file given: the record's bytes were not compared" });
  } else {
    require(
      "digest",
      sameBytes(digest, statement.digest),
      `SM3 of the file is ${toHex(digest)}`,
      `the file's SM3 ${toHex(digest)} is not the anchored digest ${toHex(statement.digest)}`,
    );
  }

  if (receipt.batch === null) {
    step(
      "signatures",
      () => checkSignatures(receipt.statement, receipt.signatures, statement.key, "statement"),
      `agency ${statement.agency} and ${receipt.signatures.length - 1} co-signer(s)`,
    );
    verdict.checks.push({ name: "batch-path", ok: true, detail: "not batched" });
  } else {
    const batch = receipt.batch;
    step(
      "signatures",
      () => checkSignatures(batch.header, batch.signatures, statement.key, "batch header"),
      `agency ${statement.agency} signed the batch header`,
    );
    step("batch-path", () => checkBatchPath(batch, receipt.statement), `statement ${batch.index} of the batch`);
  }

  const [validators, since] = step(
    "validator-set",
    () => followTransitions(genesis.validators, receipt.transitions, genesis.chainId, sm3),
    `${receipt.transitions.length} hand-over(s) since genesis`,
  );

  const header = step("header", () => decodeConsensusHeader(receipt.header), null);
  require(
    "header",
    header.chainId === genesis.chainId &&
      sameBytes(header.validators, validators.hash) &&
      header.height >= since &&
      receipt.leaf < header.logSize,
    `block ${header.height}, log size ${header.logSize}`,
    "the consensus header is for another chain, another validator set, or a log that does not yet hold the leaf",
  );
  verdict.header = header;

  require(
    "inclusion",
    verifyInclusion(leafHash(receipt.statement, sm3), toIndex(receipt.leaf), toIndex(header.logSize), receipt.inclusion, header.logRoot, sm3),
    `leaf ${receipt.leaf} is in the log of ${header.logSize} at root ${toHex(header.logRoot).slice(0, 16)}…`,
    "the inclusion proof does not lead to the header's log root",
  );

  step(
    "seals",
    () => checkSeals(receipt.header, receipt.seals, validators),
    `${receipt.seals.length} of ${validators.validators.length} validators sealed block ${header.height} (quorum ${validators.quorum})`,
  );
  verdict.sealedBy = receipt.seals.map((s) => validators.validators[Number(s.validator)].name);
}

function checkBatchPath(batch, statementBytes) {
  const header = decodeBatchHeader(batch.header);
  checkSignatures(batch.header, batch.signatures, header.key, "batch header");
  const statement = decodeStatement(statementBytes);
  if (statement.agency !== header.agency || !sameBytes(statement.key, header.key)) {
    throw new CheckFailed("the statement's agency or key differs from its batch header's", "batch-mismatch");
  }
  if (!verifyInclusion(leafHash(statementBytes, sm3), toIndex(batch.index), toIndex(header.size), batch.path, header.root, sm3)) {
    throw new CheckFailed("the statement's path does not lead to the signed batch root", "bad-batch-path");
  }
  return header;
}

function toIndex(value) {
  return typeof value === "bigint" ? -1 : value;
}
