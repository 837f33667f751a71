// Built by web/build.mjs from web/src/verify-page.js with esbuild 0.28.2; do not edit.

// web/src/verify-page.js
import { CHECKS, genesisOfAnswer, parseEvidenceId, parseGenesis, ready, sm3, toHex, verifyReceipt } from "./verifier.js";

// web/src/verify-words.js
import { fill } from "./verifier.js";
var UNSUPPORTED = "unsupported-version";
function verdictKind(verdict) {
  if (!verdict.valid) {
    const failed = verdict.failed;
    return failed?.key === "error" && failed.values.code === UNSUPPORTED ? "undecided" : "invalid";
  }
  return verdict.fileChecked === false ? "receipt-only" : "valid";
}
var VERDICT_WORDS = {
  valid: "verify.valid",
  "receipt-only": "verify.receipt_only",
  invalid: "verify.invalid",
  undecided: "verify.undecided"
};
function checkState(check) {
  if (!check) return "skipped";
  if (check.checked === false) return "unchecked";
  if (!check.ok && check.key === "error" && check.values.code === UNSUPPORTED) return "newer";
  return check.ok ? "ok" : "bad";
}
function checkLine(check, words2, language2) {
  if (!check) return { text: words2["check.skipped"], title: "" };
  if (check.key === "error") {
    const text = language2 === "en" ? check.detail : errorWords(check.values.code, words2);
    return { text, title: check.detail };
  }
  const sentence = words2[`check.detail.${check.key}`];
  return { text: sentence === void 0 ? check.detail : fill(sentence, check.values), title: "" };
}
function errorWords(code, words2) {
  return words2[`check.error.${code}`] ?? fill(words2["check.error"], { code: code ?? "error" });
}
function refusal(error, words2, language2) {
  if (error instanceof PageRefusal) return error.message;
  const reason = language2 === "en" ? error.message : errorWords(error.code, words2);
  return words2["verify.failed"] + reason;
}
var PageRefusal = class extends Error {
};
function fetchRefusal(code, id, status, words2) {
  const sentence = words2[`verify.fetch.${code}`];
  return new PageRefusal(sentence === void 0 ? fill(words2["verify.fetch.other"], { status }) : fill(sentence, { id }));
}

// web/src/verify-page.js
var words = JSON.parse(document.getElementById("words").textContent);
var language = document.body.dataset.lang;
var $ = (id) => document.getElementById(id);
var MARKS = { ok: "✓", bad: "✗", unchecked: "–", newer: "?", skipped: "–" };
function hashInWorker(file) {
  return new Promise((resolve, reject) => {
    const worker = new Worker("/static/sm3-worker.js");
    $("progress-box").hidden = false;
    worker.onmessage = (event) => {
      const { progress, digest, error } = event.data;
      if (progress !== void 0) {
        $("progress").value = Math.round(progress * 100);
        $("progress-text").textContent = `${Math.floor(progress * 100)}%`;
      }
      if (error !== void 0) {
        worker.terminate();
        reject(new Error(error));
      }
      if (digest !== void 0) {
        worker.terminate();
        resolve(digest);
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage({ file });
  });
}
async function receiptBytes() {
  const chosen = $("receipt").files[0];
  if (chosen) return new Uint8Array(await chosen.arrayBuffer());
  const id = $("evidence-id-input").value.normalize("NFKC").trim();
  if (!id) throw new PageRefusal(words["verify.need_receipt"]);
  try {
    parseEvidenceId(id);
  } catch (error) {
    throw fetchRefusal(error.code, id, null, words);
  }
  const response = await fetch(`/v1/evidence/${encodeURIComponent(id)}/receipt`, { headers: { Accept: "application/cbor" } });
  if (!response.ok) {
    let code = null;
    try {
      code = (await response.json()).error.code;
    } catch {
    }
    throw fetchRefusal(code, id, response.status, words);
  }
  return new Uint8Array(await response.arrayBuffer());
}
async function genesisFile() {
  const chosen = $("genesis").files[0];
  if (chosen) return new Uint8Array(await chosen.arrayBuffer());
  const response = await fetch("/v1/genesis");
  return genesisOfAnswer(await response.text());
}
function beijingTime(milliseconds) {
  return new Date(milliseconds + 8 * 3600 * 1e3).toISOString().replace("T", " ").slice(0, 19);
}
function show(verdict, note) {
  const list = $("checks");
  list.replaceChildren();
  const byName = new Map(verdict.checks.map((c) => [c.name, c]));
  for (const name of CHECKS) {
    const check = byName.get(name);
    const item = document.createElement("li");
    item.dataset.check = name;
    item.className = checkState(check);
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = MARKS[item.className];
    const label = document.createElement("span");
    label.textContent = words[`check.${name}`];
    const detail = document.createElement("span");
    const line = checkLine(check, words, language);
    detail.textContent = line.text;
    if (line.title) detail.title = line.title;
    item.append(mark, label, detail);
    list.append(item);
  }
  const kind = verdictKind(verdict);
  const verdictLine = $("verdict");
  verdictLine.textContent = words[VERDICT_WORDS[kind]];
  verdictLine.className = kind;
  const summary = $("summary");
  summary.replaceChildren();
  const add = (term, value) => {
    if (value === null || value === void 0 || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    summary.append(dt, dd);
  };
  if (note) add("", note);
  if (verdict.evidenceId) add(words["check.evidence-id"], verdict.evidenceId);
  if (verdict.statement) {
    add(words["verify.digest"], toHex(verdict.statement.digest));
    add(words["verify.agency"], verdict.statement.agency);
    add(words["verify.kind"], verdict.statement.kind);
    add(words["verify.stage"], verdict.statement.stage);
  }
  if (verdict.header) {
    add(words["verify.block"], String(verdict.header.height));
    add(words["verify.block_time"], beijingTime(Number(verdict.header.time)));
  }
  if (verdict.sealedBy.length) add(words["check.seals"], verdict.sealedBy.join(", "));
  $("result").hidden = false;
  document.body.dataset.verdict = kind;
  document.body.dataset.failed = verdict.failed ? verdict.failed.name : "";
}
$("verify-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = $("verify-button");
  button.disabled = true;
  delete document.body.dataset.verdict;
  try {
    await ready();
    const [receipt, genesis] = await Promise.all([receiptBytes(), genesisFile()]);
    const file = $("file").files[0];
    const digest = file ? await hashInWorker(file) : null;
    const verdict = verifyReceipt(receipt, genesis, { digest });
    show(verdict, file ? null : words["verify.no_file"]);
  } catch (error) {
    $("result").hidden = false;
    $("verdict").textContent = refusal(error, words, language);
    $("verdict").className = "invalid";
    $("checks").replaceChildren();
    $("summary").replaceChildren();
    document.body.dataset.verdict = "error";
  } finally {
    button.disabled = false;
  }
});
$("genesis").addEventListener("change", async () => {
  const chosen = $("genesis").files[0];
  const shown = $("genesis-hash");
  if (!chosen) {
    shown.textContent = shown.dataset.default;
    return;
  }
  try {
    await ready();
    shown.textContent = toHex(parseGenesis(new Uint8Array(await chosen.arrayBuffer()), sm3).hash);
  } catch (error) {
    shown.textContent = refusal(error, words, language);
  }
});
$("print").addEventListener("click", () => window.print());
