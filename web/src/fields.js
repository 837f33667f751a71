// Field-by-field reading of decoded CBOR maps (and of fixed-layout arrays, as the map of their named
// positions), with errors that name the field and the rule (a port of client/tiezheng/schema.py).

export class FieldError extends Error {
  constructor(message, code = "bad-field") {
    super(message);
    this.code = code;
  }
}

export const MAX_UINT = 2n ** 64n - 1n;
const CONTROL = /[\x00-\x1f\x7f]/u;

export function isUint(value, maximum = MAX_UINT) {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 && BigInt(value) <= BigInt(maximum);
  if (typeof value === "bigint") return value >= 0n && value <= BigInt(maximum);
  return false;
}

export function checkText(value, where, maxLength, pattern = null) {
  if (value.length === 0) throw new FieldError(`${where} must not be empty`);
  if ([...value].length > maxLength) throw new FieldError(`${where} must be at most ${maxLength} characters`);
  if (CONTROL.test(value)) throw new FieldError(`${where} must not contain control characters`);
  if (pattern !== null && !pattern.test(value)) throw new FieldError(`${where} must match ${pattern.source}`);
}

/** Takes fields out of a map one by one; finish() rejects whatever is left over. */
export class MapReader {
  constructor(value, what) {
    if (!(value instanceof Map)) throw new FieldError(`${what} must be a map`);
    this.map = value;
    this.what = what;
    this.taken = new Set();
  }

  take(key, optional) {
    this.taken.add(key);
    if (!this.map.has(key)) {
      if (optional) return undefined;
      throw new FieldError(`${this.what}.${key} is missing`, "missing-field");
    }
    const value = this.map.get(key);
    // An absent field is left out; a null would be a second encoding of the same object.
    if (value === null && optional) throw this.error(key, "must be left out when absent, not null");
    return value;
  }

  error(key, rule) {
    return new FieldError(`${this.what}.${key} ${rule}`);
  }

  uint(key, { optional = false, maximum = MAX_UINT } = {}) {
    const value = this.take(key, optional);
    if (value === undefined && optional) return undefined;
    if (!isUint(value, maximum)) throw this.error(key, `must be an unsigned integer ≤ ${maximum}`);
    return value;
  }

  bytes(key, { size = null, maxSize = 1 << 20, optional = false } = {}) {
    const value = this.take(key, optional);
    if (value === undefined && optional) return undefined;
    if (!(value instanceof Uint8Array)) throw this.error(key, "must be a byte string");
    if (size !== null && value.length !== size) throw this.error(key, `must be ${size} bytes, not ${value.length}`);
    if (value.length > maxSize) throw this.error(key, `must be at most ${maxSize} bytes`);
    return value;
  }

  text(key, { optional = false, maxLength = 256, pattern = null } = {}) {
    const value = this.take(key, optional);
    if (value === undefined && optional) return undefined;
    if (typeof value !== "string") throw this.error(key, "must be text");
    checkText(value, `${this.what}.${key}`, maxLength, pattern);
    return value;
  }

  list(key, { optional = false, maxItems = 64 } = {}) {
    const value = this.take(key, optional);
    if (value === undefined && optional) return undefined;
    if (!Array.isArray(value)) throw this.error(key, "must be an array");
    if (value.length > maxItems) throw this.error(key, `must have at most ${maxItems} items`);
    return value;
  }

  hashes(key, { size = 32, maxItems = 64, optional = false } = {}) {
    const values = this.list(key, { optional, maxItems });
    if (values === undefined) return undefined;
    values.forEach((item, position) => {
      if (!(item instanceof Uint8Array) || item.length !== size) throw this.error(`${key}[${position}]`, `must be a ${size}-byte hash`);
    });
    return values;
  }

  /** Fixed-size hashes written end to end in one byte string (a Merkle proof, in receipt v2). */
  packedHashes(key, { size = 32, maxItems = 64 } = {}) {
    const value = this.bytes(key, { maxSize: size * maxItems });
    if (value.length % size) throw this.error(key, `must hold whole ${size}-byte hashes, not ${value.length} bytes`);
    const hashes = [];
    for (let at = 0; at < value.length; at += size) hashes.push(value.slice(at, at + size));
    return hashes;
  }

  any(key, { optional = false } = {}) {
    return this.take(key, optional);
  }

  finish() {
    const unknown = [...this.map.keys()].filter((k) => !this.taken.has(k)).sort();
    if (unknown.length) throw new FieldError(`${this.what} has unknown field '${unknown[0]}'`, "unknown-field");
  }
}

/**
 * Refuse a version this build does not read (schema.py check_version). One past the newest it knows is
 * a newer format ("unsupported-version": a verifier gives no verdict on it, as a newer release may read
 * it); an older one that never existed is malformed, with the object's own code.
 */
export function checkVersion(version, known, what, { code = "bad-field", error = FieldError } = {}) {
  if (known.includes(version)) return;
  const reads = known.length === 1 ? `${known[0]}` : `versions ${known.slice(0, -1).join(", ")} and ${known.at(-1)}`;
  if (version > Math.max(...known)) {
    throw new error(`${what} version ${version} is not supported (this build reads ${reads})`, "unsupported-version");
  }
  throw new error(`${what} version ${version} does not exist (this build reads ${reads})`, code);
}

/**
 * A fixed-layout array read as the map of its named positions: the first `required` items must be
 * there, the rest may be left off the end (but not given as null, which the reader refuses as it
 * refuses a null optional field), and nothing may follow them.
 */
export function arrayFields(value, what, names, required) {
  if (!Array.isArray(value)) throw new FieldError(`${what} must be an array`);
  if (value.length < required || value.length > names.length) {
    const count = required === names.length ? `${required}` : `${required} to ${names.length}`;
    throw new FieldError(`${what} must have ${count} items (${names.join(", ")}), not ${value.length}`);
  }
  return new MapReader(new Map(value.map((item, position) => [names[position], item])), what);
}
