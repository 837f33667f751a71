// The protocol objects a receipt carries, decoded as strictly as client/tiezheng decodes them:
// statement, signatures, batch header and proof, consensus header, seals, validator sets.

import { decode, encode } from "./cbor.js";
import { parseEvidenceId } from "./evidence-id.js";
import { arrayFields, checkText, checkVersion, FieldError, MapReader } from "./fields.js";
import { publicKey, sm2Verify, toHex } from "./sm.js";

export const MAX_STATEMENT_SIZE = 2048;
export const MAX_HEADER_SIZE = 1024;
export const MAX_BATCH_HEADER_SIZE = 1024;
export const MAX_BATCH_SIZE = 10000;
const MAX_BATCH_PATH = 14; // ⌈log2 10,000⌉
export const MAX_VALIDATORS = 64;
const MAX_SIGNATURES = 8;
const MAX_META_ENTRIES = 16;
const MAX_META_SIZE = 1024;

export const KINDS = [
  "signature", "permit", "enforcement-record", "conclusion", "process-step",
  "publication", "document", "workflow-template", "alert",
];
const ROLES = ["agency", "official", "reviewer", "approver", "notary", "witness", "supervisor"];
export const AGENCY_CODE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/;
const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const ROLE = /^[a-z][a-z0-9-]{0,31}$/;
const META_KEY = /^[a-z][a-z0-9_.-]{0,31}$/;
const REQUIRED = ["v", "kind", "digest", "agency", "key", "time"];
const FIELDS = new Set([...REQUIRED, "subject", "operator", "stage", "prev", "meta", "cosigners"]);
// The positions of the arrays receipt v2 writes where v1 writes maps (client/tiezheng: SIGNATURE_FIELDS,
// PROOF_FIELDS, SEAL_FIELDS, TRANSITION_FIELDS), and of the consensus header v2 (FIELDS_V2).
const SIGNATURE_FIELDS = ["role", "key", "sig"];
const PROOF_FIELDS = ["header", "signatures", "index", "path"];
const SEAL_FIELDS = ["validator", "sig"];
const TRANSITION_FIELDS = ["header", "seals", "next_validators"];
const HEADER_VERSIONS = [1, 2]; // 1 a map of named fields, 2 the array of them
// next_validators comes last and is left off unless the validator set changes.
const HEADER_FIELDS_V2 = [
  "v", "hash", "chain", "height", "round", "time", "parent", "execution", "log_size", "log_root", "validators",
  "next_validators",
];

export class CheckFailed extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** A map of named fields, or with `compact` (receipt v2) the array of them in `names` order, all required. */
function objectReader(value, what, names, compact) {
  return compact ? arrayFields(value, what, names, names.length) : new MapReader(value, what);
}

// Statements

export function decodeStatement(bytes) {
  const value = decode(bytes, { maxSize: MAX_STATEMENT_SIZE, what: "statement" });
  const fail = (message, code = "bad-statement") => {
    throw new FieldError(message, code);
  };
  if (!(value instanceof Map)) fail("a statement is a map");
  // The version first: a newer statement may have other fields, and is newer before it is anything else.
  if (value.has("v")) {
    const version = value.get("v");
    if (!isInteger(version) || version < 0) fail("statement.v must be an unsigned integer");
    checkVersion(version, [1], "statement", { code: "bad-statement" });
  }
  for (const name of REQUIRED) if (!value.has(name)) fail(`statement.${name} is missing`, "missing-field");
  for (const name of value.keys()) if (!FIELDS.has(name)) fail(`statement has unknown field '${name}'`, "unknown-field");
  const kind = value.get("kind");
  if (typeof kind !== "string" || !KIND.test(kind)) fail(`statement.kind must match ${KIND.source}`);
  if (!KINDS.includes(kind) && !kind.startsWith("x-")) fail(`statement.kind '${kind}' is not a registered kind`);
  const agency = value.get("agency");
  if (typeof agency !== "string" || !AGENCY_CODE.test(agency)) fail(`statement.agency must match ${AGENCY_CODE.source}`);
  for (const name of ["digest", "key", "subject", "operator"]) {
    if (!value.has(name) && (name === "subject" || name === "operator")) continue;
    const digest = value.get(name);
    if (!(digest instanceof Uint8Array) || digest.length !== 32) fail(`statement.${name} must be 32 bytes (an SM3 digest)`);
  }
  const time = value.get("time");
  if (!isInteger(time) || time < 0 || time >= 2 ** 53) fail("statement.time must be milliseconds since the epoch below 2^53");
  if (value.has("stage")) {
    const stage = value.get("stage");
    if (typeof stage !== "string") fail("statement.stage must be text");
    statementText(stage, "statement.stage", 32, fail);
  }
  if (value.has("prev")) {
    const prev = value.get("prev");
    if (typeof prev !== "string") fail("statement.prev must be text (an evidence ID)");
    try {
      parseEvidenceId(prev);
    } catch (error) {
      fail(`statement.prev: ${error.message}`, error.code);
    }
  }
  if (value.has("meta")) checkMeta(value.get("meta"), fail);
  let cosigners = [];
  if (value.has("cosigners")) {
    try {
      cosigners = cosignersFromValue(value.get("cosigners"), "statement.cosigners");
    } catch (error) {
      fail(error.message, error.code);  // the code the Python verifier gives, bad-field included
    }
  }
  return {
    bytes,
    kind,
    digest: value.get("digest"),
    agency,
    key: value.get("key"),
    time,
    subject: value.get("subject") ?? null,
    operator: value.get("operator") ?? null,
    stage: value.get("stage") ?? null,
    prev: value.get("prev") ?? null,
    meta: value.get("meta") ?? null,
    cosigners,
  };
}

// A text rule broken inside a statement is the statement's fault (bad-statement), as in Python.
function statementText(value, where, maxLength, fail) {
  try {
    checkText(value, where, maxLength);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    fail(error.message);
  }
}

function checkMeta(meta, fail) {
  if (!(meta instanceof Map)) fail("statement.meta must be a map");
  if (meta.size === 0) fail("statement.meta must be omitted rather than empty");
  if (meta.size > MAX_META_ENTRIES) fail(`statement.meta must have at most ${MAX_META_ENTRIES} entries`);
  for (const [key, value] of meta) {
    if (typeof key !== "string") fail("statement.meta keys must be text");
    if (!META_KEY.test(key)) fail(`statement.meta keys must match ${META_KEY.source}`);
    const where = `statement.meta.${key}`;
    if (typeof value === "string") statementText(value, where, 256, fail);
    else if (value instanceof Uint8Array) {
      if (value.length > 64) fail(`${where} must be at most 64 bytes`);
    } else if (typeof value === "number" || typeof value === "bigint") {
      const big = BigInt(value);
      if (big < -(2n ** 63n) || big >= 2n ** 63n) fail(`${where} must fit in 64 bits`);
    } else if (typeof value !== "boolean") fail(`${where} must be text, bytes, an integer or a boolean`);
  }
  if (encode(meta).length > MAX_META_SIZE) fail(`statement.meta must encode to at most ${MAX_META_SIZE} bytes`);
}

function isInteger(value) {
  return (typeof value === "number" && Number.isInteger(value)) || typeof value === "bigint";
}

// Signatures

export function signaturesFromValue(value, what, { compact = false } = {}) {
  if (!Array.isArray(value)) throw new FieldError(`${what} must be an array`);
  if (value.length > MAX_SIGNATURES) throw new FieldError(`${what} must have at most ${MAX_SIGNATURES} signatures`);
  return value.map((item, i) => signatureFromValue(item, `${what}[${i}]`, compact));
}

function signatureFromValue(value, what, compact) {
  const reader = objectReader(value, what, SIGNATURE_FIELDS, compact);
  const role = reader.text("role", { maxLength: 32, pattern: ROLE });
  if (!ROLES.includes(role) && !role.startsWith("x-")) throw new FieldError(`signer role '${role}' is not registered`);
  const key = reader.bytes("key", { maxSize: 65 });
  const sig = reader.bytes("sig", { maxSize: 72 });
  reader.finish();
  let parsed;
  try {
    parsed = publicKey(key);
  } catch (error) {
    throw new FieldError(`${what}.key: ${error.message}`);
  }
  return { role, key: parsed, sig };
}

// Co-signers: who signs a statement or batch header after the agency, named inside the signed bytes (role
// and key id, in order), so that a receipt's holder can neither add a co-signer nor remove one.

export function cosignersFromValue(value, what) {
  if (!Array.isArray(value)) throw new FieldError(`${what} must be an array`);
  if (value.length === 0) throw new FieldError(`${what} must be omitted rather than empty`);
  if (value.length > MAX_SIGNATURES - 1) throw new FieldError(`${what} must name at most ${MAX_SIGNATURES - 1} co-signers`);
  const cosigners = value.map((item, position) => {
    const reader = new MapReader(item, `${what}[${position}]`);
    const role = reader.text("role", { maxLength: 32, pattern: ROLE });
    const key = reader.bytes("key", { size: 32 });
    reader.finish();
    if (!ROLES.includes(role) && !role.startsWith("x-")) throw new FieldError(`signer role '${role}' is not registered`);
    if (role === "agency") throw new FieldError(`${what}[${position}].role: a co-signer is not the agency`);
    return { role, key };
  });
  if (new Set(cosigners.map((c) => toHex(c.key))).size !== cosigners.length) {
    throw new FieldError(`${what} names one key twice`, "duplicate-signer");
  }
  return cosigners;
}

/** Throws CheckFailed unless the agency signed first with agencyKeyId, then exactly the named co-signers (in
 * order and role), and every signature verifies. */
export function checkSignatures(message, signatures, agencyKeyId, cosigners, what) {
  if (signatures.length === 0 || signatures[0].role !== "agency") {
    throw new CheckFailed(`${what} has no agency signature first`, "missing-agency-signature");
  }
  if (!sameBytes(signatures[0].key.keyId, agencyKeyId)) {
    throw new CheckFailed(`${what} is signed with a key other than the one it names`, "agency-key-mismatch");
  }
  const cosignatures = signatures.slice(1);
  cosignatures.slice(0, cosigners.length).forEach((signature, i) => {
    const named = cosigners[i];
    if (signature.role !== named.role || !sameBytes(signature.key.keyId, named.key)) {
      throw new CheckFailed(
        `${what}: co-signature ${i + 1} is by ${signature.role} key ${toHex(signature.key.keyId).slice(0, 8)}…, ` +
          `where ${what} names ${named.role} key ${toHex(named.key).slice(0, 8)}…`,
        "undeclared-cosigner",
      );
    }
  });
  if (cosignatures.length > cosigners.length) {
    const extra = cosignatures[cosigners.length];
    throw new CheckFailed(
      `${what}: co-signature ${cosigners.length + 1} (${extra.role}) is by a signer ${what} does not name`,
      "undeclared-cosigner",
    );
  }
  if (cosignatures.length < cosigners.length) {
    const missing = cosigners[cosignatures.length];
    throw new CheckFailed(
      `${what} names co-signer ${cosignatures.length + 1} (${missing.role}) but carries no signature of theirs`,
      "missing-cosignature",
    );
  }
  const seen = new Set();
  signatures.forEach((signature, position) => {
    const id = signature.key.hex;
    if (seen.has(id)) throw new CheckFailed(`${what} is signed twice by the same key`, "duplicate-signer");
    seen.add(id);
    if (!sm2Verify(signature.key, message, signature.sig)) {
      const who = position === 0 ? "agency signature" : `co-signature ${position} (${signature.role})`;
      throw new CheckFailed(`${what}: the ${who} does not verify`, position === 0 ? "bad-agency-signature" : "bad-cosignature");
    }
  });
}

// Batches

/** A batch proof: a map, or with `compact` (receipt v2) the array of PROOF_FIELDS, its path in one byte string. */
export function batchProofFromValue(value, what, { compact = false } = {}) {
  const reader = objectReader(value, what, PROOF_FIELDS, compact);
  const proof = {
    header: reader.bytes("header", { maxSize: MAX_BATCH_HEADER_SIZE }),
    signatures: signaturesFromValue(reader.list("signatures"), `${what}.signatures`, { compact }),
    index: reader.uint("index", { maximum: MAX_BATCH_SIZE - 1 }),
    path: compact
      ? reader.packedHashes("path", { maxItems: MAX_BATCH_PATH })
      : reader.hashes("path", { maxItems: MAX_BATCH_PATH }),
  };
  reader.finish();
  return proof;
}

export function decodeBatchHeader(bytes) {
  const reader = new MapReader(decode(bytes, { maxSize: MAX_BATCH_HEADER_SIZE, what: "batch header" }), "batch header");
  checkVersion(reader.uint("v"), [1], "batch header", { code: "bad-batch" });
  if (reader.text("type", { maxLength: 16 }) !== "batch") throw reader.error("type", "must be 'batch'");
  if (reader.text("hash", { maxLength: 16 }) !== "sm3") throw reader.error("hash", "must be 'sm3'");
  const header = {
    agency: reader.text("agency", { maxLength: 64, pattern: AGENCY_CODE }),
    key: reader.bytes("key", { size: 32 }),
    root: reader.bytes("root", { size: 32 }),
    size: reader.uint("size", { maximum: MAX_BATCH_SIZE }),
    time: reader.uint("time", { maximum: 2 ** 53 - 1 }),
  };
  const named = reader.any("cosigners", { optional: true });
  header.cosigners = named === undefined || named === null ? [] : cosignersFromValue(named, "batch header.cosigners");
  reader.finish();
  if (header.size === 0) throw reader.error("size", "must be at least 1");
  return header;
}

// Consensus headers, seals and validator sets

/**
 * A consensus header: version 1 is a map of named fields, version 2 the array of them by position
 * (HEADER_FIELDS_V2), its next_validators left off when the set does not change. Either form reads to
 * the same object, nextValidators always given. The fields are read in the same order in both forms,
 * so that both verifiers name the same first fault.
 */
export function decodeConsensusHeader(bytes) {
  const value = decode(bytes, { maxSize: MAX_HEADER_SIZE, what: "consensus header" });
  // The version first, before the layout: a newer header may have other fields, and is newer before it is
  // anything else.
  const stated = Array.isArray(value) ? value[0] : value instanceof Map ? value.get("v") : undefined;
  if (isInteger(stated) && stated >= 0) checkVersion(stated, HEADER_VERSIONS, "consensus header");
  const isArray = Array.isArray(value);
  const reader = isArray
    ? arrayFields(value, "consensus header", HEADER_FIELDS_V2, HEADER_FIELDS_V2.length - 1)
    : new MapReader(value, "consensus header");
  const version = reader.uint("v");
  checkVersion(version, HEADER_VERSIONS, "consensus header");
  // A known version in the other's form is malformed, not newer: "unsupported" must only ever mean a format a
  // newer verifier may read (client/tiezheng/verifier.py leaves a verdict stopped at one undecided, not invalid).
  if (version !== (isArray ? 2 : 1)) {
    throw reader.error("v", `is ${version}, but version ${version} is not written as ${isArray ? "an array" : "a map"}`);
  }
  if (reader.text("hash", { maxLength: 16 }) !== "sm3") throw reader.error("hash", "must be 'sm3'");
  const header = {
    version,
    chainId: reader.uint("chain"),
    height: reader.uint("height"),
    round: reader.uint("round"),
    time: reader.uint("time"),
    parent: reader.bytes("parent", { size: 32 }),
    execution: reader.bytes("execution", { size: 32 }),
    logSize: reader.uint("log_size"),
    logRoot: reader.bytes("log_root", { size: 32 }),
    validators: reader.bytes("validators", { size: 32 }),
    nextValidators: reader.bytes("next_validators", { size: 32, optional: version === 2 }),
  };
  if (version === 2) {
    // Written out though the set does not change, the header would have a second encoding (and hash).
    if (header.nextValidators !== undefined && sameBytes(header.nextValidators, header.validators)) {
      throw reader.error("next_validators", "must be left off when the validator set does not change");
    }
    header.nextValidators ??= header.validators;
  }
  reader.finish();
  return header;
}

/** Seals: maps of named fields, or with `compact` (receipt v2) arrays [validator, sig]. */
export function sealsFromValue(value, what, { compact = false } = {}) {
  if (!Array.isArray(value) || value.length > MAX_VALIDATORS) {
    throw new FieldError(`${what} must be an array of at most ${MAX_VALIDATORS} seals`);
  }
  return value.map((item, i) => {
    const reader = objectReader(item, `${what}[${i}]`, SEAL_FIELDS, compact);
    const seal = { validator: reader.uint("validator", { maximum: MAX_VALIDATORS - 1 }), sig: reader.bytes("sig", { maxSize: 72 }) };
    reader.finish();
    return seal;
  });
}

/** A validator-set hand-over: a map, or with `compact` (receipt v2) the array [header, seals, next_validators]. */
export function transitionFromValue(value, what, { compact = false } = {}) {
  if (compact) {
    const reader = arrayFields(value, what, TRANSITION_FIELDS, TRANSITION_FIELDS.length);
    const header = reader.bytes("header", { maxSize: MAX_HEADER_SIZE });
    const seals = sealsFromValue(reader.list("seals"), `${what}.seals`, { compact: true });
    return { header, seals, nextSet: reader.bytes("next_validators") };
  }
  if (!(value instanceof Map)) throw new FieldError(`${what} must be a map`);
  const rest = new Map(value);
  const nextSet = rest.get("next_validators");
  rest.delete("next_validators");
  if (!(nextSet instanceof Uint8Array)) throw new FieldError(`${what}.next_validators must be bytes`);
  const reader = new MapReader(rest, what);
  const header = reader.bytes("header", { maxSize: MAX_HEADER_SIZE });
  const seals = sealsFromValue(reader.list("seals"), `${what}.seals`);
  reader.finish();
  return { header, seals, nextSet };
}

/** A validator set: { validators: [{ name, key }], hash, quorum }. */
export function validatorSet(validators, sm3) {
  if (validators.length < 1 || validators.length > MAX_VALIDATORS) {
    throw new FieldError(`a validator set has 1 to ${MAX_VALIDATORS} validators`, "bad-genesis");
  }
  if (new Set(validators.map((v) => v.key.hex)).size !== validators.length) {
    throw new FieldError("a validator appears twice in the set", "bad-genesis");
  }
  return {
    validators,
    hash: sm3(encode(validators.map((v) => v.key.uncompressed))),
    quorum: Math.ceil((2 * validators.length) / 3),
  };
}

export function validatorSetFromKeys(bytes, sm3) {
  const value = decode(bytes, { maxSize: MAX_VALIDATORS * 70 + 16, what: "validator set" });
  if (!Array.isArray(value) || !value.every((k) => k instanceof Uint8Array)) {
    throw new FieldError("a validator set is an array of public keys", "bad-genesis");
  }
  let keys;
  try {
    keys = value.map((k) => publicKey(k));
  } catch (error) {
    throw new FieldError(`validator set: ${error.message}`, "bad-genesis");
  }
  return validatorSet(keys.map((key, i) => ({ name: `validator-${i}`, key })), sm3);
}

/** Throws CheckFailed unless at least a quorum of distinct validators of the set sealed these bytes. */
export function checkSeals(headerBytes, seals, set) {
  const signers = new Set();
  for (const seal of seals) {
    const position = Number(seal.validator);
    if (position >= set.validators.length) {
      throw new CheckFailed(`a seal names validator ${position}, but the set has ${set.validators.length}`, "bad-seals");
    }
    if (signers.has(position)) throw new CheckFailed(`validator ${position} sealed twice`, "bad-seals");
    const validator = set.validators[position];
    if (!sm2Verify(validator.key, headerBytes, seal.sig)) {
      throw new CheckFailed(`the seal of validator ${position} (${validator.name}) does not verify`, "bad-seal");
    }
    signers.add(position);
  }
  if (signers.size < set.quorum) {
    throw new CheckFailed(
      `${signers.size} valid seals, but the quorum of ${set.validators.length} validators is ${set.quorum}`,
      "no-quorum",
    );
  }
}

/** [the set in power after the hand-overs, the height from which it seals]. */
/** The set in power after the hand-overs, whose headers are all of `headerVersion` (the receipt's). */
export function followTransitions(genesisSet, transitions, chainId, headerVersion, sm3) {
  let current = genesisSet;
  let since = 0;
  transitions.forEach((transition, position) => {
    const header = decodeConsensusHeader(transition.header);
    const where = `validator transition ${position}`;
    if (header.chainId !== chainId) throw new CheckFailed(`${where} belongs to another chain`, "wrong-chain");
    if (header.version !== headerVersion) {
      throw new CheckFailed(
        `${where} has a version ${header.version} header; a receipt of this version carries version ${headerVersion} headers`,
        "header-version",
      );
    }
    if (header.height < since || !sameBytes(header.validators, current.hash)) {
      throw new CheckFailed(`${where} is not sealed by the validator set in power at its height`, "bad-transition");
    }
    checkSeals(transition.header, transition.seals, current);
    const next = validatorSetFromKeys(transition.nextSet, sm3);
    // The hash of the very bytes carried (not of the keys re-encoded): other spellings of the
    // same keys (compressed points) would change the receipt without changing its verdict.
    const named = sameBytes(sm3(transition.nextSet), header.nextValidators) && sameBytes(next.hash, header.nextValidators);
    if (!named || sameBytes(next.hash, current.hash)) {
      throw new CheckFailed(`${where} does not name the validator set it carries`, "bad-transition");
    }
    current = next;
    // Heights past 2^53 decode as BigInt: add in the same type, never through a rounding Number.
    since = typeof header.height === "bigint" ? header.height + 1n : header.height + 1;
  });
  return [current, since];
}

export function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
