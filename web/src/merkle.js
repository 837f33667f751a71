// RFC 9162 §2.1 proof verification, with the guards the published test vectors require
// (a port of client/tiezheng/merkle/verify.py; `hash` is any function bytes → bytes).

import { equalBytes } from "./cbor.js";

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

export function leafHash(data, hash) {
  return hash(concat(LEAF_PREFIX, data));
}

export function nodeHash(left, right, hash) {
  return hash(concat(NODE_PREFIX, left, right));
}

/** The root an audit path leads to (RFC 9162 §2.1.3.2), or null if the path has the wrong length. */
export function rootFromInclusionProof(leaf, index, size, proof, hash) {
  if (!(index >= 0 && index < size)) return null;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return null;
    if (fn & 1n || fn === sn) {
      r = nodeHash(p, r, hash);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p, hash);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

export function verifyInclusion(leaf, index, size, proof, root, hash) {
  const digestSize = hash(new Uint8Array(0)).length;
  const [i, n] = [asIndex(index), asIndex(size)];
  if (i === null || n === null || !(i < n)) return false;
  if (![leaf, root, ...proof].every((h) => h instanceof Uint8Array && h.length === digestSize)) return false;
  const computed = rootFromInclusionProof(leaf, i, n, proof, hash);
  return computed !== null && equalBytes(computed, root);
}

/** RFC 9162 §2.1.4.2: the tree (oldSize, oldRoot) is a prefix of (newSize, newRoot). */
export function verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof, hash) {
  const digestSize = hash(new Uint8Array(0)).length;
  const [m, n] = [asIndex(oldSize), asIndex(newSize)];
  if (m === null || n === null || !(m > 0n && m <= n)) return false;
  if (m === n) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  if (![oldRoot, newRoot, ...proof].every((h) => h instanceof Uint8Array && h.length === digestSize)) return false;
  const path = [...proof];
  if (isPowerOfTwo(m)) path.unshift(oldRoot);
  let fn = m - 1n;
  let sn = n - 1n;
  while (fn & 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (fn & 1n || fn === sn) {
      fr = nodeHash(c, fr, hash);
      sr = nodeHash(c, sr, hash);
      while (!(fn & 1n) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c, hash);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

/** A size or index as a BigInt (CBOR gives one above 2^53 - 1), or null if it is not a non-negative integer. */
function asIndex(value) {
  if (typeof value === "bigint") return value >= 0n ? value : null;
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}

function isPowerOfTwo(big) {
  return (big & (big - 1n)) === 0n;
}

export function concat(...parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
