// The explorer's scripts: live refresh of the pages marked data-live (server-sent events), and
// the log page's consistency check, run in this browser against the validators' seals.

import {
  checkSeals, decodeConsensusHeader, fill, fromHex, genesisOfAnswer, parseGenesis, ready, sm3, toHex, verifyConsistency,
} from "./verifier.js";
import { errorWords } from "./verify-words.js";

const words = JSON.parse(document.getElementById("words").textContent);

// Live refresh: on each new block, fetch this page again and swap its content in.

function startLive() {
  const mode = document.body.dataset.live;
  if (!mode || typeof EventSource === "undefined") return;
  const source = new EventSource("/v1/events");
  let scheduled = false;
  const indicator = () => document.querySelector(".live-state");
  const setState = (online) => {
    const box = indicator();
    if (!box) return;
    box.classList.toggle("off", !online);
    const label = box.querySelector("[data-live-label]");
    if (label) label.textContent = online ? label.dataset.on : label.dataset.off;
  };
  source.addEventListener("open", () => setState(true));
  source.addEventListener("error", () => setState(false));
  source.addEventListener("block", () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(async () => {
      scheduled = false;
      try {
        const response = await fetch(location.href, { headers: { Accept: "text/html" } });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("main");
        if (fresh) document.getElementById("main").replaceChildren(...fresh.childNodes);
        setState(true);
        document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
      } catch {
        setState(false);
      }
    }, 300);
  });
}

// Consistency check between two sealed tree heads.

class CheckStopped extends Error {}

async function json(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.error ? body.error.message : `HTTP ${response.status}`);
    error.code = body.error ? body.error.code : undefined;
    throw error;
  }
  return body;
}

function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function sealedHead(height, genesis) {
  const block = await json(`/v1/blocks/${height}`);
  const headerBytes = fromBase64(block.header);
  const header = decodeConsensusHeader(headerBytes);
  if (toHex(header.validators) !== toHex(genesis.validators.hash)) {
    throw new CheckStopped(fill(words["log.check.foreign_set"], { height }));
  }
  checkSeals(headerBytes, block.seals.map((s) => ({ validator: s.validator, sig: fromBase64(s.signature) })), genesis.validators);
  return { height, size: Number(header.logSize), root: header.logRoot, seals: block.seals.length };
}

function report(list, ok, text) {
  const item = document.createElement("li");
  item.className = ok ? "ok" : "bad";
  const mark = document.createElement("span");
  mark.className = "mark";
  mark.textContent = ok ? "✓" : "✗";
  const detail = document.createElement("span");
  detail.textContent = text;
  item.append(mark, detail);
  item.style.gridTemplateColumns = "28px 1fr";
  list.append(item);
}

function startConsistency() {
  const form = document.getElementById("consistency");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const list = document.getElementById("consistency-result");
    list.replaceChildren();
    document.body.dataset.consistency = "running";
    const [oldHeight, newHeight] = [Number(form.old.value), Number(form.new.value)].sort((a, b) => a - b);
    try {
      await ready();
      const answer = await fetch("/v1/genesis");
      if (!answer.ok) throw new Error(`/v1/genesis answered ${answer.status}`);
      const genesis = parseGenesis(genesisOfAnswer(await answer.text()), sm3);
      const validators = genesis.validators.validators.length;
      report(list, true, fill(words["log.check.genesis"], { hash: toHex(genesis.hash).slice(0, 16), validators }));
      const head = (h) => fill(words["log.check.head"], { ...h, root: toHex(h.root).slice(0, 16) });
      const older = await sealedHead(oldHeight, genesis);
      report(list, true, head(older));
      const newer = await sealedHead(newHeight, genesis);
      report(list, true, head(newer));
      if (older.size === 0) {
        report(list, true, words["log.check.empty"]);
        document.body.dataset.consistency = "ok";
        return;
      }
      const proof = await json(`/v1/log/proof/consistency?old=${older.size}&new=${newer.size}`);
      const ok = verifyConsistency(older.size, newer.size, older.root, newer.root, proof.proof.map(fromHex), sm3);
      const values = { hashes: proof.proof.length, old: older.size, new: newer.size };
      report(list, ok, fill(words[ok ? "log.check.consistent" : "log.check.inconsistent"], values));
      document.body.dataset.consistency = ok ? "ok" : "failed";
    } catch (error) {
      const english = document.documentElement.lang === "en";
      const reason = error instanceof CheckStopped || english ? error.message : errorWords(error.code, words);
      report(list, false, error instanceof CheckStopped ? reason : fill(words["log.check.failed"], { reason }));
      document.body.dataset.consistency = "failed";
    }
  });
}

startLive();
startConsistency();
