// The genesis a verifier trusts: parsed from its JSON file exactly as client/tiezheng/genesis.py
// parses it (integers only, no duplicate keys) and hashed as SM3 over the deterministic CBOR
// of the parsed document.

import { encode } from "./cbor.js";
import { checkText, FieldError } from "./fields.js";
import { validatorSet } from "./objects.js";
import { fromHex, publicKey } from "./sm.js";

const CHAIN_CODE = /^[A-Z0-9]{2,8}$/;
const VALIDATOR_NAME = /^[^\x00-\x1f\x7f]{1,64}$/u;
const MAX_GENESIS_SIZE = 4 * 1024 * 1024;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

class GenesisError extends FieldError {
  constructor(message, code = "bad-genesis") {
    super(message, code);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true }); // a leading byte order mark is passed over, as in Python

/**
 * { chainId, chainCode, name, time, validators (a validator set), hash, document } from the file:
 * its bytes (UTF-8, a byte order mark passed over), or its text.
 */
export function parseGenesis(file, sm3) {
  // A string's UTF-8 is at least as long as its UTF-16 units, so a longer one is refused unencoded.
  const tooLarge =
    file.length > MAX_GENESIS_SIZE || (typeof file === "string" && new TextEncoder().encode(file).length > MAX_GENESIS_SIZE);
  if (tooLarge) throw new GenesisError("genesis file is too large");
  let text;
  try {
    text = typeof file === "string" ? file.replace(/^\ufeff/, "") : UTF8.decode(file);
  } catch {
    throw new GenesisError("genesis is not UTF-8 text");
  }
  let document;
  try {
    document = parseJson(text, { rejectDuplicates: true });
  } catch (error) {
    throw new GenesisError(`genesis is not valid JSON: ${error.message}`);
  }
  if (!(document instanceof Map)) throw new GenesisError("genesis must be a JSON object");
  if (document.get("format") !== "tiezheng-genesis") throw new GenesisError('genesis must say "format": "tiezheng-genesis"');
  if (document.get("version") !== 1) throw new GenesisError("genesis version is not supported", "unsupported-version");
  const chainId = document.get("chain_id");
  if (!Number.isSafeInteger(chainId) || chainId < 1) throw new GenesisError("genesis.chain_id must be a positive integer");
  const chainCode = document.get("chain_code");
  if (typeof chainCode !== "string" || !CHAIN_CODE.test(chainCode)) {
    throw new GenesisError("genesis.chain_code must be 2–8 upper-case letters or digits");
  }
  const name = document.has("name") ? document.get("name") : chainCode;
  if (typeof name !== "string") throw new GenesisError("genesis.name must be text");
  checkText(name, "genesis.name", 128);
  const time = document.get("time");
  if (!Number.isSafeInteger(time) || time < 0) throw new GenesisError("genesis.time must be milliseconds since the epoch");
  let encoded;
  try {
    encoded = encode(document);
  } catch {
    throw new GenesisError("genesis holds a value that has no deterministic encoding");
  }
  const validators = readValidators(document.get("validators"), sm3);
  return { chainId, chainCode, name, time, validators, hash: sm3(encoded), document };
}

function readValidators(value, sm3) {
  if (!Array.isArray(value) || value.length === 0) throw new GenesisError("genesis.validators must be a non-empty array");
  const validators = value.map((item, position) => {
    const where = `genesis.validators[${position}]`;
    if (!(item instanceof Map) || typeof item.get("public_key") !== "string") {
      throw new GenesisError(`${where} must have a public_key (hex SEC 1 point)`);
    }
    const name = item.has("name") ? item.get("name") : `validator-${position}`;
    if (typeof name !== "string" || !VALIDATOR_NAME.test(name)) throw new GenesisError(`${where}.name must be 1–64 printable characters`);
    let key;
    try {
      key = publicKey(fromHex(item.get("public_key")));
    } catch (error) {
      throw new GenesisError(`${where}.public_key: ${error.message}`);
    }
    return { name, key };
  });
  return validatorSet(validators, sm3);
}

/**
 * JSON to Map / Array / string / integer (Number, or BigInt beyond 2^53) / boolean / null.
 * Fractional numbers and exponents are refused, as the genesis allows integers only; with
 * rejectDuplicates a repeated key is refused (otherwise the last one wins, as in Python).
 */
/**
 * The genesis document in a node's GET /v1/genesis answer, as the text parseGenesis reads. Not response.json():
 * JavaScript numbers would round an integer past 2^53, and the genesis hash with it.
 */
export function genesisOfAnswer(text) {
  const answer = parseJson(text);
  if (!(answer instanceof Map) || !answer.has("document")) throw new GenesisError("the node's answer holds no genesis");
  return jsonText(answer.get("document"));
}

/** JSON text of what parseJson returns: objects as Maps (keys in their order), integers past 2^53 as BigInts. */
export function jsonText(value) {
  if (value instanceof Map) {
    return `{${[...value].map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`).join(",")}}`;
  }
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value);
}

export function parseJson(text, { rejectDuplicates = false } = {}) {
  let position = 0;
  const fail = (what) => {
    throw new Error(`${what} at character ${position}`);
  };
  const space = () => {
    while (position < text.length && " \t\n\r".includes(text[position])) position++;
  };
  // depth counts the containers around a value; a 65th container is refused even when empty,
  // as the Python reader (tiezheng.jsondoc) counts brackets.
  const value = (depth) => {
    space();
    const c = text[position];
    if ((c === "{" || c === "[") && depth >= 64) fail("nesting deeper than 64 levels");
    if (c === "{") {
      position++;
      const map = new Map();
      space();
      if (text[position] === "}") {
        position++;
        return map;
      }
      for (;;) {
        space();
        if (text[position] !== '"') fail("expected a key");
        const key = string();
        space();
        if (text[position] !== ":") fail("expected ':'");
        position++;
        const item = value(depth + 1);
        if (rejectDuplicates && map.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
        map.set(key, item);
        space();
        if (text[position] === ",") {
          position++;
          continue;
        }
        if (text[position] === "}") {
          position++;
          return map;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      position++;
      const list = [];
      space();
      if (text[position] === "]") {
        position++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        space();
        if (text[position] === ",") {
          position++;
          continue;
        }
        if (text[position] === "]") {
          position++;
          return list;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, result] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, position)) {
        position += word.length;
        return result;
      }
    }
    const number = /^-?(0|[1-9][0-9]*)([.eE])?/.exec(text.slice(position, position + 400));
    if (number === null) fail("unexpected input");
    if (number[2] !== undefined) fail("numbers must be integers");
    position += number[0].length;
    const big = BigInt(number[0]);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  };
  const string = () => {
    const match = /^"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(position));
    if (match === null) fail("bad string");
    const parsed = JSON.parse(match[0]);
    // A \ud800 escape alone names no character: UTF-8 has no encoding of it (Python refuses it too).
    if (LONE_SURROGATE.test(parsed)) fail("text holding a lone surrogate escape");
    position += match[0].length;
    return parsed;
  };
  const result = value(0);
  space();
  if (position !== text.length) fail("extra data");
  return result;
}
