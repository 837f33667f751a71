// National cryptography for the verifier: SM3 from hash-wasm, SM2 verification from sm-crypto-v2.
//
// Keys and signatures are checked here as strictly as the Python library checks them
// (client/tiezheng/gm): public keys are SEC 1 points on the SM2 curve, uncompressed
// (65 bytes) or compressed (33); signatures are strict DER with 1 ≤ r, s < n. A
// malformed signature is a failed verification, never an exception.

import { createSM3 } from "hash-wasm";
import { sm2 } from "sm-crypto-v2";

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const A = P - 3n;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const SIGNER_ID = "1234567812345678";

let hasher = null;

/** Load the SM3 WebAssembly module once; every other function here needs it. */
export async function ready() {
  if (hasher === null) hasher = await createSM3();
}

export function sm3(bytes) {
  if (hasher === null) throw new Error("call ready() first");
  hasher.init();
  hasher.update(bytes);
  return hasher.digest("binary");
}

export class KeyError extends Error {
  constructor(message) {
    super(message);
    this.code = "bad-key";
  }
}

/** A public key from its SEC 1 bytes: { uncompressed (65 bytes), hex, keyId (SM3 of the uncompressed point) }. */
export function publicKey(bytes) {
  let x;
  let y;
  if (bytes.length === 65 && bytes[0] === 4) {
    x = toBigInt(bytes.subarray(1, 33));
    y = toBigInt(bytes.subarray(33, 65));
    if (x >= P || y >= P || mod(y * y) !== rhs(x)) throw new KeyError("the point is not on the SM2 curve");
  } else if (bytes.length === 33 && (bytes[0] === 2 || bytes[0] === 3)) {
    x = toBigInt(bytes.subarray(1, 33));
    if (x >= P) throw new KeyError("the point is not on the SM2 curve");
    const square = rhs(x);
    y = power(square, (P + 1n) / 4n);
    if (mod(y * y) !== square) throw new KeyError("the point is not on the SM2 curve");
    if ((y & 1n) !== BigInt(bytes[0] & 1)) y = P - y;
  } else {
    throw new KeyError("an SM2 public key is a 65-byte uncompressed or 33-byte compressed point");
  }
  const uncompressed = new Uint8Array(65);
  uncompressed[0] = 4;
  uncompressed.set(fromBigInt(x), 1);
  uncompressed.set(fromBigInt(y), 33);
  return { uncompressed, hex: toHex(uncompressed), keyId: sm3(uncompressed) };
}

/** SM2 signature check (SM3 with the signer's Z for ID 1234567812345678, DER signature). */
export function sm2Verify(key, message, signature) {
  const parsed = strictDer(signature);
  if (parsed === null) return false;
  const [r, s] = parsed;
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const raw = toHex(fromBigInt(r)) + toHex(fromBigInt(s));
  try {
    return sm2.doVerifySignature(message, raw, key.hex, { der: false, hash: true, userId: SIGNER_ID });
  } catch {
    return false;
  }
}

/** (r, s) of a DER SEQUENCE of two INTEGERs in their minimal encodings, or null. */
export function strictDer(bytes) {
  if (bytes.length < 8 || bytes.length > 72 || bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) return null;
  let position = 2;
  const values = [];
  for (let i = 0; i < 2; i++) {
    if (bytes[position] !== 0x02) return null;
    const length = bytes[position + 1];
    if (length === undefined || length === 0 || length > 33 || position + 2 + length > bytes.length) return null;
    const body = bytes.subarray(position + 2, position + 2 + length);
    if (body[0] & 0x80) return null; // negative
    if (body[0] === 0 && (length === 1 || !(body[1] & 0x80))) return null; // not minimal
    values.push(toBigInt(body));
    position += 2 + length;
  }
  return position === bytes.length ? values : null;
}

function rhs(x) {
  return mod(x * x * x + A * x + B);
}

function mod(value) {
  const result = value % P;
  return result < 0n ? result + P : result;
}

function power(base, exponent) {
  let result = 1n;
  base = mod(base);
  while (exponent > 0n) {
    if (exponent & 1n) result = mod(result * base);
    base = mod(base * base);
    exponent >>= 1n;
  }
  return result;
}

export function toBigInt(bytes) {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function fromBigInt(value) {
  const bytes = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

export function toHex(bytes) {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

export function fromHex(text) {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error("not hex");
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(2 * i, 2), 16);
  return bytes;
}
