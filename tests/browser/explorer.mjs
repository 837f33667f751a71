// The explorer and /verify in a real Chromium (Debian's, driven by playwright-core), against a
// real dev node holding real anchored records. Run by tests/test_browser.py, which starts the
// node, anchors the records and passes what it anchored in SEED (a JSON file):
//
//   NODE_URL=http://127.0.0.1:PORT SEED=seed.json ARTIFACTS=dir node tests/browser/explorer.mjs
//
// Prints one JSON line per check ({"check", "ok", "detail"}); prints "LIVE-READY" when the home
// page is open and waiting for a block (the test then anchors one); exits 1 if any check failed.
// Screenshots go to ARTIFACTS.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const URL_BASE = process.env.NODE_URL;
const seed = JSON.parse(fs.readFileSync(process.env.SEED, "utf8"));
const ARTIFACTS = process.env.ARTIFACTS;
fs.mkdirSync(ARTIFACTS, { recursive: true });

const results = [];
async function check(name, body) {
  try {
    const detail = await body();
    results.push({ check: name, ok: true, detail: detail ?? "" });
  } catch (error) {
    results.push({ check: name, ok: false, detail: String(error && error.stack ? error.stack : error).slice(0, 2000) });
  }
  process.stdout.write(JSON.stringify(results.at(-1)) + "\n");
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(error.message));
const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

async function search(text) {
  await page.fill("form.search input[name=q]", text);
  await Promise.all([page.waitForLoadState("load"), page.press("form.search input[name=q]", "Enter")]);
}

try {
  await check("home page shows the head and refreshes live", async () => {
    await page.goto(URL_BASE + "/");
    const before = Number((await page.textContent("[data-field=log_size]")).replace(/,/g, ""));
    await page.waitForFunction(() => document.querySelector(".live-state") && !document.querySelector(".live-state.off"));
    await shot("explorer-home");
    process.stdout.write("LIVE-READY\n");
    await page.waitForFunction(() => Number(document.body.dataset.refreshed || 0) >= 1, null, { timeout: 30000 });
    const after = Number((await page.textContent("[data-field=log_size]")).replace(/,/g, ""));
    assert.ok(after > before, `log size ${before} → ${after}`);
    return `log size ${before} → ${after} without reloading`;
  });

  await check("search by evidence ID opens the evidence page", async () => {
    await search(seed.permit_id);
    assert.equal(new URL(page.url()).pathname, `/evidence/${seed.permit_id}`);
    assert.equal((await page.textContent("#evidence-id")).trim(), seed.permit_id);
    assert.equal((await page.textContent("#digest")).trim(), seed.permit_digest);
    assert.ok((await page.textContent("main")).includes("审批签发"));
    await shot("evidence");
  });

  await check("search by digest opens the same record", async () => {
    await page.goto(URL_BASE + "/");
    await search(seed.permit_digest);
    assert.equal(new URL(page.url()).pathname, `/evidence/${seed.permit_id}`);
  });

  await check("a mistyped evidence ID is reported as mistyped", async () => {
    const id = seed.permit_id;
    const typo = id.slice(0, -1) + (id.at(-1) === "A" ? "B" : "A");
    await search(typo);
    const message = await page.textContent("#search-message");
    assert.ok(message.includes("校验位不符"), message);
    await shot("search-mistyped");
    return message;
  });

  await check("an empty search is not sent, and the page stays", async () => {
    await page.goto(`${URL_BASE}/blocks/${seed.block}`);
    await page.fill("form.search input[name=q]", "");
    await page.press("form.search input[name=q]", "Enter");
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).pathname, `/blocks/${seed.block}`);
    assert.equal(await page.evaluate(() => document.querySelector("form.search input[name=q]").validity.valueMissing), true);
  });

  await check("a mistyped ID in a matter's address is reported as mistyped", async () => {
    const typo = seed.matter.slice(0, -1) + (seed.matter.at(-1) === "A" ? "B" : "A");
    const response = await page.goto(`${URL_BASE}/matters/${typo}`);
    assert.equal(response.status(), 404);
    assert.equal((await page.textContent("#not-found-title")).trim(), "存证编号有误");
    assert.ok((await page.textContent("#not-found-message")).includes("校验位不符"));
  });

  await check("the block page lists its seals, verified, and its evidence", async () => {
    await page.goto(`${URL_BASE}/evidence/${seed.permit_id}`);
    await Promise.all([page.waitForLoadState("load"), page.click(`a[href="/blocks/${seed.block}"]`)]);
    assert.equal(new URL(page.url()).pathname, `/blocks/${seed.block}`);
    assert.ok((await page.textContent("main")).includes("签名有效"));
    assert.ok(await page.isVisible(`a[href="/evidence/${seed.permit_id}"]`));
    await shot("block");
  });

  await check("the previous step of a process trail is linked", async () => {
    await page.goto(`${URL_BASE}/evidence/${seed.permit_id}`);
    await Promise.all([page.waitForLoadState("load"), page.click(`a[href="/evidence/${seed.step_ids[1]}"]`)]);
    assert.equal((await page.textContent("#evidence-id")).trim(), seed.step_ids[1]);
  });

  await check("a matter's timeline lists each step with its evidence ID and deadline", async () => {
    await page.goto(`${URL_BASE}/matters`);
    await Promise.all([page.waitForLoadState("load"), page.click(`a[href="/matters/${seed.matter}"]`)]);
    assert.equal((await page.textContent("#matter-id")).trim(), seed.matter);
    const rows = await page.$$eval("table.timeline tbody tr", (trs) => trs.map((tr) => tr.innerText));
    assert.equal(rows.length, 4, rows.join("\n")); // opened, 受理, 初审, and 复核 in progress
    assert.ok(rows[1].includes("受理") && rows[2].includes("初审") && rows[3].includes("复核"), rows.join("\n"));
    assert.equal(await page.locator("table.timeline tr.late").count(), 0, "nothing is overdue yet");
    await shot("matter");
    const step = rows[2].replace(/\s+/g, " ");
    // The step's own page: its fields (the before/after digests) and the way back to its matter.
    await Promise.all([page.waitForLoadState("load"), page.click("table.timeline tbody tr:nth-child(3) a")]);
    assert.ok(await page.isVisible(`dd a[href="/matters/${seed.matter}"]`), "the step links its matter");
    assert.ok((await page.textContent("ul.meta")).includes("before"), "the step's meta is shown");
    return step;
  });

  await check("the agency page shows its records and history", async () => {
    await page.goto(`${URL_BASE}/agencies/${seed.agency}`);
    const text = await page.textContent("main");
    assert.ok(text.includes(seed.batch_ids[1]), "latest batch record listed");
    assert.ok(text.includes("登记"));
  });

  await check("the English switch keeps the page", async () => {
    await page.goto(`${URL_BASE}/blocks/${seed.block}`);
    await Promise.all([page.waitForLoadState("load"), page.click("a.lang")]);
    assert.equal(new URL(page.url()).pathname, `/blocks/${seed.block}`);
    assert.ok((await page.textContent("nav")).includes("Blocks"));
    await page.goto(URL_BASE + "/validators");
    assert.ok((await page.textContent("h1")).includes("Validators"), "the cookie keeps English");
    await page.goto(URL_BASE + "/?lang=zh");
  });

  await check("the reports page takes a period of days", async () => {
    await page.goto(URL_BASE + "/reports?by=stage");
    const today = await page.evaluate(() => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10));
    await page.fill("#period input[name=from]", "2020-01-01");
    await page.fill("#period input[name=to]", today);
    await Promise.all([page.waitForLoadState("load"), page.click("#period button")]);
    const query = new URL(page.url()).searchParams;
    assert.deepEqual([query.get("by"), query.get("from"), query.get("to")], ["stage", "2020-01-01", today]);
    assert.ok((await page.textContent("#report-period")).includes(`2020-01-01 – ${today}`));
    const rows = await page.$$eval("#report tbody tr", (trs) => trs.map((tr) => tr.innerText));
    assert.ok(rows.some((row) => row.includes("受理")), rows.join("\n"));
    const csv = new URL(await page.getAttribute("#report-csv", "href"), URL_BASE);
    assert.equal(csv.searchParams.get("from"), "2020-01-01T00:00:00.000+08:00");
    assert.equal(csv.searchParams.get("to"), `${today}T23:59:59.999+08:00`);
  });

  await check("the log page checks consistency between two sealed heads in the browser", async () => {
    await page.goto(URL_BASE + "/log");
    await page.fill("#consistency input[name=old]", "1");
    await page.click("#consistency button");
    await page.waitForFunction(() => ["ok", "failed"].includes(document.body.dataset.consistency));
    const text = await page.textContent("#consistency-result");
    assert.equal(await page.getAttribute("body", "data-consistency"), "ok", text);
    assert.ok(text.includes("个签章验证通过") && text.includes("较早的日志是较晚日志的前缀"), text);  // in the page's language
    assert.ok(!text.includes("seals verify"), text);
    // A height past the head (the form's own limit lifted): the node refuses, the page says so in its language.
    await page.$eval("#consistency input[name=new]", (input) => input.removeAttribute("max"));
    await page.fill("#consistency input[name=new]", "99999999");
    await page.click("#consistency button");
    await page.waitForFunction(() => document.body.dataset.consistency === "failed");
    const failed = await page.textContent("#consistency-result");
    assert.ok(failed.includes("检查未完成"), failed);
    return text.replace(/\s+/g, " ").slice(0, 300);
  });

  const verify = async ({ file, receipt, id }) => {
    await page.goto(URL_BASE + "/verify");
    if (file) await page.setInputFiles("#file", file);
    if (receipt) await page.setInputFiles("#receipt", receipt);
    if (id) await page.fill("#evidence-id-input", id);
    await page.click("#verify-button");
    await page.waitForFunction(() => document.body.dataset.verdict !== undefined, null, { timeout: 120000 });
    return {
      verdict: await page.getAttribute("body", "data-verdict"),
      failed: await page.getAttribute("body", "data-failed"),
      text: (await page.textContent("#result")).replace(/\s+/g, " "),
      verdictLine: (await page.textContent("#verdict")).trim(),
      checks: await page.$$eval("#checks li", (items) =>
        items.map((li) => ({ name: li.dataset.check, state: li.className, mark: li.children[0].textContent, detail: li.children[2].textContent }))),
    };
  };
  // What a Chinese line may hold besides Chinese: hex, evidence IDs and codes in capitals, SM2/SM3.
  const englishIn = (text) =>
    (text.replace(/\b[0-9a-f]{8,}\b/g, "").match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []).filter((w) => /[a-z]/.test(w));

  await check("/verify: the right file and its receipt are VALID", async () => {
    const result = await verify({ file: seed.permit_file, receipt: seed.receipt_file });
    assert.equal(result.verdict, "valid", result.text);
    assert.equal(result.verdictLine, "有效 VALID");
    assert.equal(result.checks.length, 11);
    for (const check of result.checks) {
      assert.equal(check.state, "ok", JSON.stringify(check));
      assert.deepEqual(englishIn(check.detail), [], `${check.name}: ${check.detail}`);
    }
    assert.ok(result.checks.find((c) => c.name === "digest").detail.includes("与存证一致"));
    await shot("verify-valid");
  });

  await check("/verify: a tampered file is INVALID at the digest check", async () => {
    const result = await verify({ file: seed.tampered_file, receipt: seed.receipt_file });
    assert.equal(result.verdict, "invalid", result.text);
    assert.equal(result.failed, "digest");
    const digest = result.checks.find((c) => c.name === "digest");
    assert.ok(digest.state === "bad" && digest.detail.includes("不符"), JSON.stringify(digest));
    assert.deepEqual(result.checks.flatMap((c) => englishIn(c.detail)), []);
    await shot("verify-tampered");
  });

  await check("/verify: the receipt fetched by evidence ID", async () => {
    const result = await verify({ file: seed.permit_file, id: seed.permit_id });
    assert.equal(result.verdict, "valid", result.text);
    // Typed with a Chinese input method: full-width letters, digits and dashes, an ideographic space.
    const fullWidth = [...seed.permit_id].map((c) => String.fromCodePoint(c.codePointAt(0) + 0xfee0)).join("");
    const typed = await verify({ file: seed.permit_file, id: "\u3000" + fullWidth });
    assert.equal(typed.verdict, "valid", typed.text);
  });

  await check("/verify: a receipt without its file is valid as a receipt, the file not checked", async () => {
    const result = await verify({ id: seed.permit_id });
    assert.equal(result.verdict, "receipt-only", result.text);
    assert.equal(result.verdictLine, "回执有效，未核对文件 RECEIPT VALID — FILE NOT CHECKED");
    assert.equal(await page.getAttribute("#verdict", "class"), "receipt-only");
    const digest = result.checks.find((c) => c.name === "digest");
    assert.deepEqual([digest.state, digest.mark], ["unchecked", "–"], JSON.stringify(digest));
    assert.ok(digest.detail.includes("未核对"), digest.detail);
    assert.ok(result.checks.filter((c) => c.name !== "digest").every((c) => c.state === "ok"));
    await shot("verify-receipt-only");
    return result.verdictLine;
  });

  await check("/verify: a receipt of a newer format is undecided, not invalid", async () => {
    const newer = path.join(REPO, "tests/vectors/receipts/newer-receipt.tzr");
    const result = await verify({ receipt: newer });
    assert.equal(result.verdict, "undecided", result.text);
    assert.equal(result.failed, "receipt");
    assert.ok(result.verdictLine.startsWith("无法判定 UNDECIDED"), result.verdictLine);
    assert.equal(await page.getAttribute("#verdict", "class"), "undecided");
    const receiptCheck = result.checks.find((c) => c.name === "receipt");
    assert.deepEqual([receiptCheck.state, receiptCheck.mark], ["newer", "?"], JSON.stringify(receiptCheck));
    return result.verdictLine;
  });

  await check("/verify: a mistyped ID is refused in the page's language", async () => {
    const id = seed.permit_id;
    const result = await verify({ file: seed.permit_file, id: id.slice(0, -1) + (id.at(-1) === "A" ? "B" : "A") });
    assert.equal(result.verdict, "error");
    assert.ok(result.verdictLine.includes("校验位不符"), result.verdictLine);
    assert.deepEqual(englishIn(result.verdictLine), [], result.verdictLine);
    return result.verdictLine;
  });

  await check("/verify in English says each check in English", async () => {
    await page.goto(URL_BASE + "/verify?lang=en");
    const result = await verify({ file: seed.permit_file, receipt: seed.receipt_file });
    assert.equal(result.verdictLine, "VALID");
    assert.equal(result.checks.find((c) => c.name === "receipt").detail, "decodes");
    assert.ok(result.checks.every((c) => !/[\u4e00-\u9fff]/.test(c.detail)), JSON.stringify(result.checks));
    const partial = await verify({ id: seed.permit_id });
    assert.equal(partial.verdictLine, "RECEIPT VALID — FILE NOT CHECKED");
    await page.goto(URL_BASE + "/?lang=zh");
  });

  await check("/verify hashes a 100 MB file in a worker without freezing the page", async () => {
    await page.goto(URL_BASE + "/verify");
    await page.setInputFiles("#file", seed.big_file);
    await page.setInputFiles("#receipt", seed.big_receipt);
    await page.evaluate(() => {
      window.heartbeat = { last: performance.now(), worst: 0, beats: 0, progress: new Set() };
      const beat = () => {
        const now = performance.now();
        window.heartbeat.worst = Math.max(window.heartbeat.worst, now - window.heartbeat.last);
        window.heartbeat.last = now;
        window.heartbeat.beats += 1;
        window.heartbeat.progress.add(document.getElementById("progress").value);
        if (document.body.dataset.verdict === undefined) setTimeout(beat, 10);
      };
      setTimeout(beat, 10);
    });
    const started = Date.now();
    await page.click("#verify-button");
    await page.waitForFunction(() => document.body.dataset.verdict !== undefined, null, { timeout: 180000 });
    const seconds = (Date.now() - started) / 1000;
    const beat = await page.evaluate(() => ({ worst: window.heartbeat.worst, beats: window.heartbeat.beats, steps: window.heartbeat.progress.size }));
    assert.equal(await page.getAttribute("body", "data-verdict"), "valid");
    assert.ok(beat.steps >= 5, `the progress bar moved through ${beat.steps} values`);
    assert.ok(beat.worst < 1500, `the page's longest stall was ${beat.worst.toFixed(0)} ms`);
    return `${seconds.toFixed(1)} s for 100 MB, longest main-thread stall ${beat.worst.toFixed(0)} ms, progress values ${beat.steps}`;
  });

  await check("the browser verifier gives every shared vector its verdict", async () => {
    const folder = path.join(REPO, "tests/vectors/receipts");
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8"));
    const files = {};
    for (const item of manifest.cases) {
      for (const name of [item.receipt, item.genesis, item.record]) {
        if (name && !(name in files)) files[name] = fs.readFileSync(path.join(folder, name)).toString("base64");
      }
    }
    await page.goto(URL_BASE + "/verify");
    const verdicts = await page.evaluate(async ({ cases, files }) => {
      const verifier = await import("/static/verifier.js");
      await verifier.ready();
      const bytes = (name) => Uint8Array.from(atob(files[name]), (c) => c.charCodeAt(0));
      return cases.map((item) => {
        const genesis = new TextDecoder().decode(bytes(item.genesis));
        const digest = item.record ? verifier.sm3(bytes(item.record)) : null;
        const verdict = verifier.verifyReceipt(bytes(item.receipt), genesis, { digest });
        return { name: item.name, valid: verdict.valid, failed: verdict.failed ? verdict.failed.name : null };
      });
    }, { cases: manifest.cases, files });
    for (const [item, got] of manifest.cases.map((c, i) => [c, verdicts[i]])) {
      assert.deepEqual([got.valid, got.failed], [item.valid, item.failed], item.name);
    }
    return `${verdicts.length} cases`;
  });

  await check("/docs lists the API from the node's own assets, nothing fetched from elsewhere", async () => {
    const outside = [];
    const watch = (request) => {
      if (!request.url().startsWith(URL_BASE) && !request.url().startsWith("data:")) outside.push(request.url());
    };
    page.on("request", watch);
    try {
      await page.goto(URL_BASE + "/docs");
      await page.waitForSelector(".opblock-summary-path", { timeout: 15_000 });
      const paths = await page.$$eval(".opblock-summary-path", (nodes) => nodes.map((n) => n.textContent.trim()));
      assert.ok(paths.some((p) => p.startsWith("/v1/evidence")), paths.join(", "));
      await shot("api-docs");
    } finally {
      page.off("request", watch);
    }
    assert.deepEqual(outside, []);
  });

  await check("no script errors on any page", async () => {
    assert.deepEqual(pageErrors, []);
  });
} finally {
  await browser.close();
}

process.exit(results.every((r) => r.ok) ? 0 : 1);
