// Strict deterministic CBOR (RFC 8949 §4.2.1), as every Tiezheng object is encoded.
//
// Decoding accepts exactly one encoding of a value, in the order the Python decoder
// (client/tiezheng/cbor.py) checks, so both refuse a file with the same code: what
// is no CBOR of this format at all — indefinite lengths, duplicate keys, tags,
// floats, undefined — is "bad-cbor"; a value of the format written any way but the
// deterministic one (a non-shortest integer or length, map keys out of order) is
// "non-canonical-cbor", found by re-encoding the value and comparing bytes. Maps
// decode to Map objects so that keys stay text and their order is never JavaScript's.

import { decode as cborgDecode, encode as cborgEncode, rfc8949EncodeOptions, Tokenizer, Type } from "cborg";

export class DecodeError extends Error {
  constructor(message, code = "bad-cbor") {
    super(message);
    this.code = code;
  }
}

const DECODE_OPTIONS = {
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: true,
};

// cborg reads text through a TextDecoder that drops a leading U+FEFF and replaces bytes that are
// not UTF-8: "\ufeff受理" would read as "受理". Text is read again here, every character kept and
// bad UTF-8 refused, as the Python verifier reads it.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// It refuses floats as it reads them too: 0.0 decodes to the number 0, which no later check could tell
// from an integer.
class TextKeepingTokenizer extends Tokenizer {
  constructor(bytes, options, what) {
    super(bytes, options);
    this.what = what;
  }

  next() {
    const token = super.next();
    if (token.type === Type.float) throw new DecodeError(`${this.what} contains a float, which this format does not allow`);
    if (token.type === Type.string && token.byteValue !== undefined) token.value = UTF8.decode(token.byteValue);
    return token;
  }
}

export function encode(value) {
  return cborgEncode(value, rfc8949EncodeOptions);
}

export function decode(bytes, { maxSize, what = "CBOR" }) {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(`${what} must be bytes`);
  if (bytes.length > maxSize) throw new DecodeError(`${what} is ${bytes.length} bytes; the limit is ${maxSize}`, "too-large");
  if (bytes.length === 0) throw new DecodeError(`${what} is empty`);
  let value;
  try {
    const tokenizer = new TextKeepingTokenizer(bytes, { ...DECODE_OPTIONS, retainStringBytes: true }, what);
    value = cborgDecode(bytes, { ...DECODE_OPTIONS, tokenizer });
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`${what} is not valid CBOR: ${String(error.message).split("\n")[0].slice(0, 200)}`);
  }
  checkPlain(value, what, 0);
  let again;
  try {
    again = encode(value);
  } catch {
    throw new DecodeError(`${what} holds a value that has no deterministic encoding`);
  }
  if (!equalBytes(again, bytes)) {
    throw new DecodeError(`${what} is not in deterministic CBOR encoding (RFC 8949 §4.2.1)`, "non-canonical-cbor");
  }
  return value;
}

// An item inside more containers than this is refused, as the Python decoder refuses it.
const MAX_DEPTH = 8;

function checkPlain(value, what, depth) {
  if (depth > MAX_DEPTH) throw new DecodeError(`${what} nests too deeply`);
  if (value === null || typeof value === "boolean" || typeof value === "string" || typeof value === "bigint") return;
  if (typeof value === "number") return; // an integer: the tokenizer refused every float
  if (value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const item of value) checkPlain(item, what, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      if (typeof key !== "string") throw new DecodeError(`${what} has a map key that is not text`);
      checkPlain(item, what, depth + 1);
    }
    return;
  }
  throw new DecodeError(`${what} contains a value this format does not allow`);
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
