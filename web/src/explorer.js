// The explorer's scripts: live refresh of the pages marked data-live (server-sent events), and
// the log page's consistency check, run in this browser against the validators' seals.

import { checkSeals, decodeConsensusHeader, fromHex, parseGenesis, ready, sm3, toHex, verifyConsistency } from "./verifier.js";

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

async function json(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
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
    throw new Error(`block ${height} is sealed by a validator set other than the genesis set`);
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
      const genesis = parseGenesis(JSON.stringify((await json("/v1/genesis")).document), sm3);
      report(list, true, `genesis ${toHex(genesis.hash).slice(0, 16)}…, ${genesis.validators.validators.length} validators`);
      const older = await sealedHead(oldHeight, genesis);
      report(list, true, `block ${older.height}: log size ${older.size}, root ${toHex(older.root).slice(0, 16)}…, ${older.seals} seals verify`);
      const newer = await sealedHead(newHeight, genesis);
      report(list, true, `block ${newer.height}: log size ${newer.size}, root ${toHex(newer.root).slice(0, 16)}…, ${newer.seals} seals verify`);
      if (older.size === 0) {
        report(list, true, "the earlier log is empty: every log extends it");
        document.body.dataset.consistency = "ok";
        return;
      }
      const proof = await json(`/v1/log/proof/consistency?old=${older.size}&new=${newer.size}`);
      const ok = verifyConsistency(older.size, newer.size, older.root, newer.root, proof.proof.map(fromHex), sm3);
      report(list, ok, `consistency proof of ${proof.proof.length} hashes from size ${older.size} to ${newer.size}: ${ok ? "the earlier log is a prefix of the later one" : "does NOT verify"}`);
      document.body.dataset.consistency = ok ? "ok" : "failed";
    } catch (error) {
      report(list, false, error.message);
      document.body.dataset.consistency = "failed";
    }
  });
}

startLive();
startConsistency();
