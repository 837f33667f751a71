// What /verify says, in the reader's language: the verdict, each check's line and each refusal,
// from the page's words (node/tiezheng_node/api/explorer/i18n.py, keys "verify.*" and "check.*").
// Pure functions of a verdict and the words, so that tests can run them under Node.

import { fill } from "./verifier.js";

/** The code of a check that stopped at a format newer than this verifier reads. */
export const UNSUPPORTED = "unsupported-version";

/**
 * "valid", "receipt-only", "invalid" or "undecided". A receipt checked without the file is not a valid
 * record: nothing says the file in court is the one anchored, so it gets a verdict of its own. A receipt
 * (or a statement or header in it) of a newer format than this page reads may well be valid: this page
 * cannot judge it, and must not call it invalid (client/tiezheng/verifier.py: Verdict.decided).
 */
export function verdictKind(verdict) {
  if (!verdict.valid) {
    const failed = verdict.failed;
    return failed?.key === "error" && failed.values.code === UNSUPPORTED ? "undecided" : "invalid";
  }
  return verdict.fileChecked === false ? "receipt-only" : "valid";
}

export const VERDICT_WORDS = {
  valid: "verify.valid",
  "receipt-only": "verify.receipt_only",
  invalid: "verify.invalid",
  undecided: "verify.undecided",
};

/**
 * How a check's line is marked: "ok", "bad", "unchecked" (passed, but with nothing compared), "newer" (stopped
 * at a format newer than this page reads: not failed, not made) or "skipped".
 */
export function checkState(check) {
  if (!check) return "skipped";
  if (check.checked === false) return "unchecked";
  if (!check.ok && check.key === "error" && check.values.code === UNSUPPORTED) return "newer";
  return check.ok ? "ok" : "bad";
}

/**
 * A check's line: { text, title }. A failure is worded from its error code; in English its
 * own message says more (which validator, which field), so English shows that.
 */
export function checkLine(check, words, language) {
  if (!check) return { text: words["check.skipped"], title: "" };
  if (check.key === "error") {
    const text = language === "en" ? check.detail : errorWords(check.values.code, words);
    return { text, title: check.detail };
  }
  const sentence = words[`check.detail.${check.key}`];
  return { text: sentence === undefined ? check.detail : fill(sentence, check.values), title: "" };
}

/** An error's code in the reader's words, or the general sentence naming the code. */
export function errorWords(code, words) {
  return words[`check.error.${code}`] ?? fill(words["check.error"], { code: code ?? "error" });
}

/** Why the page could not verify at all (a genesis file that does not read, a failed fetch). */
export function refusal(error, words, language) {
  if (error instanceof PageRefusal) return error.message;
  const reason = language === "en" ? error.message : errorWords(error.code, words);
  return words["verify.failed"] + reason;
}

/** A refusal the page has already worded. */
export class PageRefusal extends Error {}

/** Why a receipt could not be fetched for an evidence ID: from the node's error code, or the HTTP status. */
export function fetchRefusal(code, id, status, words) {
  const sentence = words[`verify.fetch.${code}`];
  return new PageRefusal(sentence === undefined ? fill(words["verify.fetch.other"], { status }) : fill(sentence, { id }));
}
