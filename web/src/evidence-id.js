// Evidence IDs (存证编号): CHAIN-INDEX-CHECK, Crockford base32 with a mod-1021 check value
// (client/tiezheng/evidence_id.py and docs/receipt-format.md).

export const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHAIN_SYMBOLS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SEPARATOR_VALUE = 36;
const MODULUS = 1021n;
// RFC 9162 leaf indexes are 64-bit; thirteen symbols spell more, and those IDs are malformed.
const MAX_INDEX = 2n ** 64n - 1n;
const SHAPE = /^([A-Za-z0-9]{2,8})-([0-9A-Za-z]{6,13})-([0-9A-Za-z]{2})$/;
// What Python's str.strip() takes off (str.isspace()), not String.prototype.trim()'s set: the
// two verifiers must read a statement's prev alike (trim() also takes U+FEFF, and not U+0085).
const SURROUNDING_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const strip = (text) => text.replace(SURROUNDING_SPACE, "");
const DECODE = new Map([...CROCKFORD].map((symbol, value) => [symbol, value]).concat([["O", 0], ["I", 1], ["L", 1]]));

export class EvidenceIdError extends Error {
  constructor(message, code = "bad-evidence-id") {
    super(message);
    this.code = code;
  }
}

/** { chain, index (BigInt) } of an ID; EvidenceIdError with code "evidence-id-checksum" when mistyped. */
export function parseEvidenceId(text) {
  if (typeof text !== "string") throw new EvidenceIdError("an evidence ID is text");
  const match = SHAPE.exec(strip(text));
  if (match === null) {
    throw new EvidenceIdError(`${JSON.stringify(text.slice(0, 40))} is not an evidence ID (expected CHAIN-INDEX-CHECK)`);
  }
  const chain = match[1].toUpperCase();
  const indexValues = [];
  for (const symbol of match[2].toUpperCase()) {
    if (!DECODE.has(symbol)) throw new EvidenceIdError(`'${symbol}' is not a base32 symbol (Crockford: no U)`);
    indexValues.push(DECODE.get(symbol));
  }
  const checkSymbols = match[3].toUpperCase();
  for (const symbol of checkSymbols) {
    if (!DECODE.has(symbol)) throw new EvidenceIdError(`'${symbol}' is not a base32 symbol (Crockford: no U)`);
  }
  const check = DECODE.get(checkSymbols[0]) * 32 + DECODE.get(checkSymbols[1]);
  if (BigInt(check) !== checkValue(chain, indexValues)) {
    throw new EvidenceIdError(`${JSON.stringify(strip(text))} has a typo: its check symbols do not match`, "evidence-id-checksum");
  }
  let index = 0n;
  for (const value of indexValues) index = index * 32n + BigInt(value);
  if (index > MAX_INDEX) throw new EvidenceIdError(`leaf index ${index} is out of range`);
  return { chain, index };
}

export function formatEvidenceId(chain, index) {
  let big = BigInt(index);
  const values = [];
  do {
    values.unshift(Number(big % 32n));
    big /= 32n;
  } while (big > 0n);
  while (values.length < 6) values.unshift(0);
  const check = Number(checkValue(chain, values));
  return `${chain}-${values.map((v) => CROCKFORD[v]).join("")}-${CROCKFORD[Math.floor(check / 32)]}${CROCKFORD[check % 32]}`;
}

function checkValue(chain, indexValues) {
  const values = [...chain].map((c) => CHAIN_SYMBOLS.indexOf(c)).concat([SEPARATOR_VALUE], indexValues);
  let check = 0n;
  for (const value of values) check = (check * 32n + BigInt(value)) % MODULUS;
  return check;
}
