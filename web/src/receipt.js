// Receipts (docs/receipt-format.md), from their CBOR file or its JSON rendering (a port of
// client/tiezheng/receipt.py).
//
// Version 2 has the same fields as version 1 in a compact form: the chain, signatures, seals, batch
// proof and hand-overs as arrays, the audit paths as one byte string each, and no "signatures" in a
// batched record's receipt. Version 1 receipts are read as before: a court may hold one for decades.

import { decode, encode } from "./cbor.js";
import { arrayFields, checkVersion, FieldError, MapReader } from "./fields.js";
import { parseJson } from "./genesis.js";
import {
  batchProofFromValue,
  MAX_HEADER_SIZE,
  MAX_STATEMENT_SIZE,
  sealsFromValue,
  signaturesFromValue,
  transitionFromValue,
} from "./objects.js";

const MAX_RECEIPT_SIZE = 64 * 1024;
const MAX_RECEIPT_FILE = 2 * MAX_RECEIPT_SIZE; // CBOR or its JSON rendering: the Python verifier's limit too
const VERSIONS = [1, 2];
const MAX_PROOF_LENGTH = 64;
const MAX_TRANSITIONS = 256;
const CHAIN_FIELDS = ["id", "code", "genesis"]; // version 2's positions

export class ReceiptError extends FieldError {
  constructor(message, code = "bad-receipt") {
    super(message, code);
  }
}

/**
 * A receipt from a file's bytes: the JSON rendering when its first byte, past a UTF-8 byte order mark
 * and JSON's own whitespace, is "{"; CBOR otherwise. The Python verifier decides by the same rule.
 */
export function loadReceipt(bytes) {
  if (bytes.length > MAX_RECEIPT_FILE) throw new ReceiptError(`a receipt file is at most ${MAX_RECEIPT_FILE} bytes`, "too-large");
  if (looksLikeJson(bytes)) {
    let text;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new ReceiptError("receipt JSON is not valid: it is not UTF-8 text");
    }
    return receiptFromJson(text);
  }
  return receiptFromCbor(bytes);
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function looksLikeJson(bytes) {
  let at = UTF8_BOM.every((b, i) => bytes[i] === b) ? UTF8_BOM.length : 0;
  while (at < bytes.length && JSON_WHITESPACE.has(bytes[at])) at += 1;
  return bytes[at] === 0x7b;
}

/**
 * The statement's signatures: version 1 always lists them (empty for a batched record); version 2 has them
 * or "batch", in one spelling only: an empty list would be a second encoding of the same receipt.
 */
function signaturesOf(reader, compact) {
  const listed = reader.list("signatures", { optional: compact });
  if (compact && listed?.length === 0) {
    throw reader.error("signatures", "must be left out of a batched record's receipt, not empty");
  }
  return signaturesFromValue(listed ?? [], "receipt.signatures", { compact });
}

export function receiptFromCbor(bytes) {
  const reader = new MapReader(decode(bytes, { maxSize: MAX_RECEIPT_SIZE, what: "receipt" }), "receipt");
  if (reader.text("format", { maxLength: 32 }) !== "tiezheng-receipt") {
    throw new ReceiptError('not a receipt: "format" must be "tiezheng-receipt"');
  }
  const version = reader.uint("v");
  checkVersion(version, VERSIONS, "receipt", { code: "bad-receipt", error: ReceiptError });
  const compact = version === 2;
  if (reader.text("hash", { maxLength: 16 }) !== "sm3") throw reader.error("hash", "must be 'sm3'");
  if (reader.text("signature", { maxLength: 16 }) !== "sm2-sm3") throw reader.error("signature", "must be 'sm2-sm3'");
  const chain = chainFromValue(reader.any("chain"), compact);
  const batchValue = reader.any("batch", { optional: true });
  const listed = reader.list("transitions", { optional: true, maxItems: MAX_TRANSITIONS });
  if (listed !== undefined && listed.length === 0) throw reader.error("transitions", "must be left out when there are none, not empty");
  const transitions = listed ?? [];
  // The rest in the order the Python reader takes them, so that both name the same first fault.
  const receipt = {
    version,
    chain,
    evidenceId: reader.text("id", { maxLength: 32 }),
    statement: reader.bytes("statement", { maxSize: MAX_STATEMENT_SIZE }),
    signatures: signaturesOf(reader, compact),
    batch: batchValue !== undefined ? batchProofFromValue(batchValue, "receipt.batch", { compact }) : null,
    leaf: reader.uint("leaf"),
    inclusion: compact
      ? reader.packedHashes("inclusion", { maxItems: MAX_PROOF_LENGTH })
      : reader.hashes("inclusion", { maxItems: MAX_PROOF_LENGTH }),
    header: reader.bytes("header", { maxSize: MAX_HEADER_SIZE }),
    seals: sealsFromValue(reader.list("seals"), "receipt.seals", { compact }),
    transitions: transitions.map((t, i) => transitionFromValue(t, `receipt.transitions[${i}]`, { compact })),
  };
  reader.finish();
  if (receipt.batch === null && receipt.signatures.length === 0) {
    throw new ReceiptError("receipt has neither the statement's signatures nor a batch proof");
  }
  if (receipt.batch !== null && receipt.signatures.length > 0) {
    throw new ReceiptError("receipt has both direct signatures and a batch proof; it must have one");
  }
  return receipt;
}

/** The chain a receipt is for: a map of named fields, or in version 2 the array [id, code, genesis]. */
function chainFromValue(value, compact) {
  const what = "receipt.chain";
  const reader = compact ? arrayFields(value, what, CHAIN_FIELDS, CHAIN_FIELDS.length) : new MapReader(value, what);
  const chain = {
    id: reader.uint("id"),
    code: reader.text("code", { maxLength: 8 }),
    genesis: reader.bytes("genesis", { size: 32 }),
  };
  reader.finish();
  return chain;
}

/** The JSON rendering: the same structure, byte strings as {"b64": "…"}; the CBOR form is authoritative. */
export function receiptFromJson(text) {
  let encoded;
  try {
    // A key named twice would read as one value here and as another in a reader keeping the first.
    encoded = encode(fromJsonable(parseJson(text, { rejectDuplicates: true })));
  } catch (error) {
    throw new ReceiptError(`receipt JSON is not valid: ${error.message.slice(0, 200)}`);
  }
  return receiptFromCbor(encoded);
}

function fromJsonable(value) {
  if (value instanceof Map) {
    if (value.size === 1 && value.has("b64") && typeof value.get("b64") === "string") return fromBase64(value.get("b64"));
    return new Map([...value].map(([k, v]) => [k, fromJsonable(v)]));
  }
  if (Array.isArray(value)) return value.map(fromJsonable);
  if (typeof value === "bigint" && (value < -(2n ** 64n) || value >= 2n ** 64n)) {
    throw new Error("receipt JSON has an integer outside CBOR's range (-2^64 to 2^64 - 1)");
  }
  return value;
}

function fromBase64(text) {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) throw new Error("invalid base64");
  const binary = atob(text);
  // One spelling of each byte string (unused bits zero), as the Python verifier requires.
  if (btoa(binary) !== text) throw new Error("base64 not in its one standard form");
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
