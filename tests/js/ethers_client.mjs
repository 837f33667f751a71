// ethers.js v6, unchanged, against a Tiezheng node: deploy, transact, read events, revert reasons,
// and an unregistered account refused. Prints one JSON object of observations for the Python test.
//
//   node tests/js/ethers_client.mjs RPC_URL DEV_ACCOUNTS_JSON ARTIFACTS_DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "ethers";

const [rpcUrl, accountsPath, artifactsDir] = process.argv.slice(2);
const accounts = JSON.parse(readFileSync(accountsPath, "utf8")).accounts;
const adminKey = accounts.find((a) => a.role === "admin").evm_private_key;
const notebook = JSON.parse(readFileSync(join(artifactsDir, "Notebook.json"), "utf8"));

// cacheTimeout -1: blocks here come faster than ethers' default 250 ms request cache, which would reuse a stale nonce.
const provider = new ethers.JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
const admin = new ethers.Wallet(adminKey, provider);
const out = {};

const network = await provider.getNetwork();
out.chainId = Number(network.chainId);
out.blockNumberBefore = await provider.getBlockNumber();

const factory = new ethers.ContractFactory(notebook.abi, notebook.bytecode, admin);
const contract = await factory.deploy();
await contract.waitForDeployment();
out.address = await contract.getAddress();
out.code = (await provider.getCode(out.address)).length > 100;

const tx = await contract.note("ethers 结果反馈");
const receipt = await tx.wait();
out.status = receipt.status;
const parsed = receipt.logs.map((log) => contract.interface.parseLog(log)).filter(Boolean);
out.event = { name: parsed[0].name, id: Number(parsed[0].args.id), text: parsed[0].args.text, author: parsed[0].args.author };
out.admin = admin.address;
out.count = Number(await contract.count());
out.stored = await contract.get(out.event.id);

const filtered = await contract.queryFilter(contract.filters.Noted(admin.address), receipt.blockNumber, receipt.blockNumber);
out.filtered = filtered.map((e) => e.args.text);

try {
  await contract.fail();
  out.revert = null;
} catch (error) {
  out.revert = { code: error.code, reason: error.reason ?? null };
}
try {
  await contract.note.staticCall("x".repeat(300));
  out.customError = null;
} catch (error) {
  out.customError = { code: error.code, name: error.revert?.name ?? null };
}
try {
  const sent = await contract.note("", { gasLimit: 100000 });
  await sent.wait();
  out.minedRevert = null;
} catch (error) {
  out.minedRevert = { code: error.code, status: error.receipt?.status ?? null };
}

const stranger = ethers.Wallet.createRandom().connect(provider);
try {
  const sent = await stranger.sendTransaction({ to: out.address, data: "0x", gasLimit: 50000, nonce: 0, gasPrice: 0, type: 0 });
  out.stranger = { refused: false, hash: sent.hash };
} catch (error) {
  out.stranger = { refused: true, message: error.error?.message ?? error.message, rpcCode: error.error?.code ?? null };
}
// Refusals ethers sorts by geth's words: more value than the balance, a transaction without a chain id.
try {
  await admin.sendTransaction({ to: admin.address, value: 10n ** 30n, gasPrice: 0, type: 0 });
  out.insufficientFunds = null;
} catch (error) {
  out.insufficientFunds = error.code;
}
const unprotected = ethers.Transaction.from({
  type: 0, to: admin.address, nonce: await provider.getTransactionCount(admin.address), gasLimit: 21000, gasPrice: 0,
});
unprotected.signature = admin.signingKey.sign(unprotected.unsignedHash);  // no chain id in v: 27 or 28
try {
  await provider.broadcastTransaction(unprotected.serialized);
  out.unprotected = null;
} catch (error) {
  out.unprotected = error.code;
}
out.blockNumberAfter = await provider.getBlockNumber();
console.log(JSON.stringify(out));
provider.destroy();
