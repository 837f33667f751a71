// /verify: hash the chosen file in a worker, fetch or read the receipt, verify it in this browser
// against the genesis, and show each check in plain words, in the page's language. Nothing is uploaded.

import { CHECKS, genesisOfAnswer, parseEvidenceId, parseGenesis, ready, sm3, toHex, verifyReceipt } from "./verifier.js";
import { checkLine, checkState, fetchRefusal, PageRefusal, refusal, VERDICT_WORDS, verdictKind } from "./verify-words.js";

const words = JSON.parse(document.getElementById("words").textContent);
const language = document.body.dataset.lang;
const $ = (id) => document.getElementById(id);
const MARKS = { ok: "✓", bad: "✗", unchecked: "–", newer: "?", skipped: "–" };

function hashInWorker(file) {
  return new Promise((resolve, reject) => {
    const worker = new Worker("/static/sm3-worker.js");
    $("progress-box").hidden = false;
    worker.onmessage = (event) => {
      const { progress, digest, error } = event.data;
      if (progress !== undefined) {
        $("progress").value = Math.round(progress * 100);
        $("progress-text").textContent = `${Math.floor(progress * 100)}%`;
      }
      if (error !== undefined) {
        worker.terminate();
        reject(new Error(error));
      }
      if (digest !== undefined) {
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
  // As the search box reads it: a Chinese input method types full-width letters, digits and dashes.
  const id = $("evidence-id-input").value.normalize("NFKC").trim();
  if (!id) throw new PageRefusal(words["verify.need_receipt"]);
  // A mistyped ID is caught here, in the reader's words, before anything is asked of the node.
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
    } catch {}
    throw fetchRefusal(code, id, response.status, words);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function genesisFile() {
  const chosen = $("genesis").files[0];
  if (chosen) return new Uint8Array(await chosen.arrayBuffer()); // bytes: Blob.text() would mend bad UTF-8
  const response = await fetch("/v1/genesis");
  return genesisOfAnswer(await response.text());
}

function beijingTime(milliseconds) {
  return new Date(milliseconds + 8 * 3600 * 1000).toISOString().replace("T", " ").slice(0, 19);
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
    if (value === null || value === undefined || value === "") return;
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
