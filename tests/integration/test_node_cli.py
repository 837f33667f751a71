"""`tiezheng-node` as an operator runs it: usage errors, init/run, and a dev chain that survives restarts."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from eth_account import Account

from tests.support.processes import TIEZHENG_NODE, NodeProcess, free_port
from tests.support.waiting import eventually


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TIEZHENG_NODE, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def health_once_up(port: int, timeout: float = 20) -> dict:
    """/healthz of a node process started on ``port``, once it answers."""
    limit = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
        except httpx.HTTPError:
            assert time.monotonic() < limit, f"no node answered on port {port}"
            time.sleep(0.05)


def result_code_of(result: subprocess.CompletedProcess[str]) -> str:
    """The code a refusal's one line ends in."""
    return result.stderr.rstrip().rsplit("[", 1)[-1].rstrip("]")


def one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert text in lines[0], lines[0]


def test_help():
    for command in ([], ["dev"], ["init"], ["run"]):
        result = run(*command, "--help")
        assert result.returncode == 0 and "usage: tiezheng-node" in result.stdout


def test_usage_errors(tmp_path):
    one_line_error(run(), "required")
    one_line_error(run("dev", "--port", "99999"), "out of range")
    one_line_error(run("dev", "--port", "http"), "not a port")
    one_line_error(run("run", "--data", str(tmp_path / "nothing")), "not initialised")
    one_line_error(run("init", "--genesis", str(tmp_path / "absent.json")), "cannot read genesis")
    (tmp_path / "bad.json").write_text('{"format": "tiezheng-genesis", "version": 1}')
    one_line_error(run("init", "--genesis", str(tmp_path / "bad.json"), "--data", str(tmp_path / "d")), "chain_id")
    (tmp_path / "garbage.json").write_bytes(os.urandom(64))
    one_line_error(run("init", "--genesis", str(tmp_path / "garbage.json"), "--data", str(tmp_path / "d")), "genesis")
    # Every refusal ends in its code; argument errors are [usage].
    assert run("dev", "--port", "http").stderr.rstrip().endswith("[usage]")
    assert run("run", "--data", str(tmp_path / "nothing")).stderr.rstrip().endswith("[store]")
    # Inputs the node cannot use are refused before anything is made: a data path LevelDB cannot take
    # (not UTF-8), an agency code no agency can have, a public URL's port.
    odd = os.fsdecode(bytes(tmp_path / "odd") + b"\xff")
    one_line_error(run("dev", "--data", odd, "--port", str(free_port())), "not a UTF-8 path")
    one_line_error(run("init", "--genesis", str(tmp_path / "bad.json"), "--data", odd), "not a UTF-8 path")
    assert not os.path.exists(odd)
    one_line_error(run("run", "--supervision-agency", "bad code", "--data", str(tmp_path / "x")), "not an agency code")
    one_line_error(run("dev", "--public-url", "http://x:abc", "--data", str(tmp_path / "y")), "port")


@pytest.fixture(scope="module")
def dev_chain(tmp_path_factory):
    node = NodeProcess(tmp_path_factory.mktemp("restart") / "data", extra_args=["--block-interval-ms", "200"])
    node.start()
    yield node
    node.stop()


def test_dev_restart_continues_the_chain(dev_chain):
    admin = Account.from_key(dev_chain.accounts()["admin"]["evm_private_key"])
    transfer = admin.sign_transaction(
        {
            "chainId": 7301,
            "nonce": 0,
            "gas": 21000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "to": "0x" + "11" * 20,
            "value": 5,
            "type": 2,
        }
    )
    dev_chain.rpc("eth_sendRawTransaction", "0x" + bytes(transfer.raw_transaction).hex())
    eventually(lambda: int(dev_chain.rpc("eth_blockNumber"), 16) >= 1, "the transfer's block")
    head = dev_chain.rpc("eth_getBlockByNumber", "latest", False)
    assert dev_chain.stop() == 0
    dev_chain.start()
    assert dev_chain.rpc("eth_getBlockByNumber", "latest", False) == head
    assert dev_chain.rpc("eth_getBalance", "0x" + "11" * 20, "latest") == "0x5"
    assert "continuing at block 1" in dev_chain.log()


def test_init_and_run_a_non_validating_node(dev_chain, tmp_path):
    genesis = dev_chain.data_dir / "genesis.json"
    result = run("init", "--genesis", str(genesis), "--data", str(tmp_path / "observer"))
    assert result.returncode == 0, result.stderr
    assert "initialised" in result.stdout
    port = free_port()
    process = subprocess.Popen([TIEZHENG_NODE, "run", "--data", str(tmp_path / "observer"), "--port", str(port)])
    try:
        health = health_once_up(port)
        assert health["validator"] is False and health["height"] == 0 and health["chain"] == "DEV"
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    again = run("init", "--genesis", str(genesis), "--data", str(tmp_path / "observer"))
    assert again.returncode == 0


def test_run_refuses_a_wrong_validator_passphrase(dev_chain, tmp_path):
    result = run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(tmp_path / "v"))
    assert result.returncode == 0
    key = dev_chain.data_dir / "keys" / "validator.key"
    one_line_error(
        run(
            "run",
            "--data",
            str(tmp_path / "v"),
            "--validator-key",
            str(key),
            "--port",
            str(free_port()),
            env={"TIEZHENG_PASSPHRASE": "wrong"},
        ),
        f"{key}: wrong passphrase",  # which keystore: the validator's and the supervision office's share it
    )
    agency_key = dev_chain.data_dir / "keys" / "agency.key"
    passphrase = json.loads((dev_chain.data_dir / "dev-accounts.json").read_text())["accounts"][2]["passphrase"]
    not_a_validator = run(
        "run",
        "--data",
        str(tmp_path / "v"),
        "--validator-key",
        str(agency_key),
        "--port",
        str(free_port()),  # not the default 8545, which a dev node started by hand may hold
        env={"TIEZHENG_PASSPHRASE": passphrase},
    )
    one_line_error(not_a_validator, "not one of the genesis validators")
    assert result_code_of(not_a_validator) == "cannot-seal"


def test_run_reads_the_passphrase_from_a_file_and_keeps_it_from_the_processes_it_starts(tmp_path):
    """A container's secret arrives as a file; a passphrase given in the environment is not passed on to the
    admission workers, whose environment any process of the same user may read."""
    data = tmp_path / "chain"
    creator = NodeProcess(data)
    creator.start()  # a dev directory: its validator key and genesis
    creator.stop()
    validator = json.loads((data / "dev-accounts.json").read_text())["accounts"][0]
    (tmp_path / "secret").write_text(validator["passphrase"] + "\n")
    node_dir = tmp_path / "node"
    assert run("init", "--genesis", str(data / "genesis.json"), "--data", str(node_dir)).returncode == 0
    port = free_port()
    environment = {**os.environ, "TIEZHENG_PASSPHRASE_FILE": str(tmp_path / "secret"), "TIEZHENG_PASSPHRASE": "x"}
    process = subprocess.Popen(
        [TIEZHENG_NODE, "run", "--data", str(node_dir), "--port", str(port), "--admission-workers", "1",
         "--validator-key", str(data / validator["sm2_keystore"])],
        env=environment,
    )  # fmt: skip
    try:
        health = health_once_up(port)
        assert health["validator"] is True  # the file's passphrase opened the key, not the variable's "x"
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert children  # the admission worker
        for child in children:
            assert b"TIEZHENG_PASSPHRASE=" not in Path(f"/proc/{child}/environ").read_bytes()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    one_line_error(
        run("run", "--data", str(node_dir), "--port", str(free_port()), "--validator-key", str(data / "keys" / "v"),
            env={"TIEZHENG_PASSPHRASE_FILE": str(tmp_path / "absent")}),
        "cannot read $TIEZHENG_PASSPHRASE_FILE",
    )  # fmt: skip
    (tmp_path / "empty").write_text("")
    one_line_error(
        run("run", "--data", str(node_dir), "--port", str(free_port()), "--validator-key", str(data / "keys" / "v"),
            env={"TIEZHENG_PASSPHRASE_FILE": str(tmp_path / "empty")}),
        "is empty",
    )  # fmt: skip


def test_run_refuses_to_seal_alone_for_several_validators(dev_chain, tmp_path):
    # One seal is not a quorum of two: blocks sealed so would fail every verifier.
    from tiezheng.gm import SM2PrivateKey
    from tiezheng_node.execution.artifacts import load as load_artifact

    document = json.loads((dev_chain.data_dir / "genesis.json").read_text())
    second = SM2PrivateKey.generate().public_key().to_bytes().hex()
    document["validators"].append({"name": "second-validator", "public_key": second})
    validator_set = next(c for c in document["execution"]["system_contracts"] if c["name"] == "ValidatorSet")
    names, keys = (
        [v["name"] for v in document["validators"]],
        [bytes.fromhex(v["public_key"]) for v in document["validators"]],
    )
    validator_set["init_code"] = "0x" + load_artifact("ValidatorSet").init_code(names, keys).hex()
    (tmp_path / "two.json").write_text(json.dumps(document))
    assert run("init", "--genesis", str(tmp_path / "two.json"), "--data", str(tmp_path / "two")).returncode == 0
    passphrase = json.loads((dev_chain.data_dir / "dev-accounts.json").read_text())["accounts"][0]["passphrase"]
    key = dev_chain.data_dir / "keys" / "validator.key"
    one_line_error(
        run(
            "run",
            "--data",
            str(tmp_path / "two"),
            "--validator-key",
            str(key),
            "--port",
            str(free_port()),
            env={"TIEZHENG_PASSPHRASE": passphrase},
        ),
        "needs 2 seals",
    )


def test_init_refuses_another_genesis(dev_chain, tmp_path):
    other = json.loads((dev_chain.data_dir / "genesis.json").read_text())
    other["name"] = "another chain"
    (tmp_path / "other.json").write_text(json.dumps(other))
    assert (
        run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(tmp_path / "x")).returncode
        == 0
    )
    one_line_error(
        run("init", "--genesis", str(tmp_path / "other.json"), "--data", str(tmp_path / "x")), "another genesis"
    )
    kept = tmp_path / "x" / "genesis.json"
    assert kept.read_bytes() == (dev_chain.data_dir / "genesis.json").read_bytes()
    assert kept.stat().st_mode & 0o777 == 0o644
    one_line_error(
        run("init", "--genesis", str(tmp_path / "absent.json"), "--data", str(tmp_path / "y")), "cannot read genesis"
    )
    assert not (tmp_path / "y").exists()  # nothing made for a genesis that was never read
    # The genesis file lost beside a store: another genesis is refused by the store, and leaves no file
    # that would then refuse the chain's own.
    kept.unlink()
    one_line_error(
        run("init", "--genesis", str(tmp_path / "other.json"), "--data", str(tmp_path / "x")), "holds another chain"
    )
    assert not kept.exists()
    assert (
        run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(tmp_path / "x")).returncode
        == 0
    )
    assert kept.read_bytes() == (dev_chain.data_dir / "genesis.json").read_bytes()


def test_init_refuses_a_genesis_whose_contracts_disagree_with_it_and_makes_nothing(dev_chain, tmp_path):
    # An admin the document names but the AgencyRegistry's init_code does not make one.
    document = json.loads((dev_chain.data_dir / "genesis.json").read_text())
    document["execution"]["admins"].append("0x" + "ab" * 20)
    (tmp_path / "mismatch.json").write_text(json.dumps(document))
    one_line_error(
        run("init", "--genesis", str(tmp_path / "mismatch.json"), "--data", str(tmp_path / "x")),
        "admins of the AgencyRegistry its init_code builds differ",
    )
    assert not (tmp_path / "x").exists()
    # The directory is still free for the chain's real genesis.
    assert (
        run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(tmp_path / "x")).returncode
        == 0
    )


def test_operator_mistakes_are_one_line_errors(dev_chain, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    genesis = dev_chain.data_dir / "genesis.json"
    one_line_error(run("dev", "--data", str(a_file), "--port", str(free_port())), "a-file is a file")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("someone else's")
    one_line_error(run("dev", "--data", str(tmp_path / "mine"), "--port", str(free_port())), "is not empty")
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]
    one_line_error(run("init", "--genesis", str(genesis), "--data", str(a_file)), "a-file is a file")
    one_line_error(
        run("dev", "--data", str(tmp_path / "d"), "--port", str(free_port()), env={"TIEZHENG_GM_BACKEND": "bogus"}),
        "unknown backend 'bogus'",
    )
    one_line_error(run("dev", "--data", str(tmp_path / "u"), "--public-url", "ftp://x"), "not an http:// or https://")
    one_line_error(run("dev", "--data", str(tmp_path / "u"), "--public-url", "https://h/?q=1"), "no user name")
    assert not (tmp_path / "u").exists()
    one_line_error(run("dev", "--data", str(tmp_path / "h"), "--host", "999.1.1.1"), "cannot listen on 999.1.1.1")
    assert not (tmp_path / "h").exists()  # nothing created for a node that cannot serve
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        one_line_error(run("dev", "--data", str(tmp_path / "p"), "--port", str(port)), "Address already in use")


def test_workflow_folders_that_cannot_be_used_are_refused_before_a_chain_is_made(tmp_path):
    absent, broken = tmp_path / "absent", tmp_path / "broken"
    broken.mkdir()
    (broken / "notes.json").write_text("{not a template, and not named like one")
    (broken / "permit.workflow.json").write_text("{")
    data = tmp_path / "d"
    one_line_error(run("dev", "--data", str(data), "--workflow-dir", str(absent)), f"--workflow-dir {absent} is not a")
    # The file at fault is named: a folder holds many.
    result = run("dev", "--data", str(data), "--workflow-dir", str(broken))
    one_line_error(result, f"{broken / 'permit.workflow.json'}: workflow template is not valid JSON")
    assert result.stderr.rstrip().endswith("[bad-template]")
    (broken / "permit.workflow.json").unlink()
    (broken / "holidays.calendar.json").write_text("{}")
    result = run("dev", "--data", str(data), "--workflow-dir", str(broken))
    one_line_error(result, f"{broken / 'holidays.calendar.json'}: a calendar must say")
    assert result.stderr.rstrip().endswith("[bad-calendar]")
    assert not data.exists()


def test_a_dev_directory_missing_its_validator_key_says_so(dev_chain, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(dev_chain.data_dir, copy, ignore=shutil.ignore_patterns("LOCK"))
    (copy / "keys" / "validator.key").unlink()
    one_line_error(run("dev", "--data", str(copy), "--port", str(free_port())), "validator.key is missing")
    # A directory made by init is no dev directory missing its keys: it is served by run.
    made = tmp_path / "made-by-init"
    assert run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(made)).returncode == 0
    one_line_error(
        run("dev", "--data", str(made), "--port", str(free_port())), f"serve it with tiezheng-node run --data {made}"
    )


def test_a_data_directory_that_lost_its_store_is_refused_not_started_anew(dev_chain, tmp_path):
    """A lost mount or a restore without chain/: starting at block 0 again would let a validator seal a second
    history over heights the first already sealed."""
    copy = tmp_path / "copy"
    shutil.copytree(dev_chain.data_dir, copy, ignore=shutil.ignore_patterns("LOCK"))
    shutil.rmtree(copy / "chain")
    one_line_error(run("dev", "--data", str(copy), "--port", str(free_port())), "holds no store")
    assert not (copy / "chain").exists()
    observer = tmp_path / "observer"
    assert run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(observer)).returncode == 0
    again = run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", str(observer))
    assert again.returncode == 0 and again.stdout.startswith("already initialised")
    shutil.rmtree(observer / "chain")
    one_line_error(run("run", "--data", str(observer), "--port", str(free_port())), "restore it from a backup")
    assert not (observer / "chain").exists()


def test_a_data_directory_in_use_is_refused(dev_chain, tmp_path):
    busy = str(dev_chain.data_dir)
    one_line_error(run("dev", "--data", busy, "--port", str(free_port())), "in use by another tiezheng-node process")
    one_line_error(
        run("init", "--genesis", str(dev_chain.data_dir / "genesis.json"), "--data", busy),
        "in use by another tiezheng-node process",
    )
    assert httpx.get(dev_chain.url + "/healthz").json()["status"] == "ok"


def test_two_first_starts_on_one_directory_make_one_chain(tmp_path):
    data, ports = tmp_path / "data", [free_port(), free_port()]
    while ports[1] == ports[0]:  # each must be refused only for the directory, never for the port
        ports[1] = free_port()
    starts = [
        subprocess.Popen(
            [TIEZHENG_NODE, "dev", "--data", str(data), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 60
        while all(start.poll() is None for start in starts):
            assert time.monotonic() < deadline, "neither start gave way"
            time.sleep(0.05)
        refused = next(start for start in starts if start.poll() is not None)
        assert refused.returncode == 2 and refused.stderr is not None
        assert "in use by another tiezheng-node process" in refused.stderr.read()
        serving = NodeProcess(data, ports[starts.index(refused) ^ 1], process=starts[starts.index(refused) ^ 1])
        for _ in range(600):
            try:
                health = httpx.get(serving.url + "/healthz", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        assert health["validator"] is True  # its validator key belongs to the genesis it serves
        served = httpx.get(serving.url + "/v1/genesis").json()
        assert served["document"] == json.loads((data / "genesis.json").read_text())
    finally:
        for start in starts:
            start.terminate()
            start.wait(timeout=30)


def test_a_block_interval_the_genesis_contradicts_is_refused(dev_chain, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(dev_chain.data_dir, copy, ignore=shutil.ignore_patterns("LOCK"))
    port = str(free_port())
    one_line_error(
        run("dev", "--data", str(copy), "--port", port, "--block-interval-ms", "500"),
        "genesis fixes the block interval at 200 ms; --block-interval-ms 500 applies only to a new chain",
    )
    one_line_error(
        run("dev", "--data", str(tmp_path / "new"), "--port", port, "--block-interval-ms", "10"),
        "--block-interval-ms must lie in [50, 3600000]",
    )
    assert not (tmp_path / "new").exists()


def test_serving_options_out_of_range_are_refused_before_a_chain_is_made(tmp_path):
    refusals = [
        (["--max-pending-records", "0"], "--max-pending-records must be at least 1"),
        (["--admission-workers", "65"], "--admission-workers must lie in [0, 64]"),
        (["--warn-at", "1"], "--warn-at must lie in [0, 1)"),
        (["--warn-at", "nan"], "--warn-at must lie in [0, 1)"),
        (["--shutdown-grace", "-1"], "--shutdown-grace must lie in [0, 600] seconds"),
        (["--shutdown-grace", "601"], "--shutdown-grace must lie in [0, 600] seconds"),
        (["--shutdown-grace", "nan"], "--shutdown-grace must lie in [0, 600] seconds"),
        (["--shutdown-grace", "soon"], "argument --shutdown-grace: invalid float value: 'soon'"),
    ]
    for command in ("dev", "run"):
        for option, message in refusals:
            data = tmp_path / f"{command}-data"
            one_line_error(run(command, "--data", str(data), "--port", "0", *option), message)
            assert not data.exists(), option


def test_port_zero_prints_the_port_it_got(tmp_path):
    process = subprocess.Popen(
        [TIEZHENG_NODE, "dev", "--data", str(tmp_path / "data"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = []
        for line in process.stdout:
            banner.append(line)
            if "DEVELOPMENT ONLY" in line:
                break
        url = next(line for line in banner if "JSON-RPC" in line).split()[-1]
        assert not url.endswith(":0/rpc")
        base = url.removesuffix("/rpc")
        # Everything the README's next commands need: --node, --key and --agency, the dev accounts.
        text = "".join(banner)
        assert f"--node {base})" in text, text
        assert f"{(tmp_path / 'data' / 'keys' / 'agency.key').resolve()}  (--agency 91110000MA0DEV001X)" in text, text
        for _ in range(200):
            try:
                assert httpx.get(base + "/healthz", timeout=1).json()["status"] == "ok"
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            pytest.fail("the node did not answer on the port it printed")
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("after", [0.6, 1.2, 1.8, 2.4])
def test_a_first_start_killed_at_any_point_starts_again(tmp_path, after):
    """kill -9 while the dev directory is being made (its keystores take seconds): the next start just works."""
    data = tmp_path / "data"
    process = subprocess.Popen(
        [TIEZHENG_NODE, "dev", "--data", str(data), "--port", str(free_port())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after)
    process.kill()
    process.wait(timeout=30)
    node = NodeProcess(data).start()
    try:
        health = httpx.get(node.url + "/healthz").json()
        assert health["chain"] == "DEV" and health["validator"] is True
        assert not (data / ".creating").exists()
    finally:
        assert node.stop() == 0


def test_debug_logs_name_each_request_and_each_refusal_on_one_line(dev_chain, tmp_path):
    chatty = NodeProcess(tmp_path / "chatty", extra_args=["-v"]).start()  # -v twice: debug
    try:
        assert httpx.get(chatty.url + "/v1/evidence/TZ-not-an-id").status_code == 400
        assert httpx.get(chatty.url + "/v1/alerts", params={"severity": "purple"}).status_code == 400
        assert "error" in httpx.post(chatty.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_nope"}).json()
    finally:
        chatty.stop()
    lines = chatty.log().splitlines()
    assert any("GET /v1/evidence/TZ-not-an-id refused:" in line and "[bad-evidence-id]" in line for line in lines)
    assert any("GET /v1/alerts refused: severity" in line and "[invalid-request]" in line for line in lines)
    assert any("logger=tiezheng.rpc" in line and "eth_nope refused:" in line for line in lines)
    assert any("logger=tiezheng.api" in line and "GET /v1/alerts 400" in line for line in lines)
    # The default and -v say none of it.
    dev_log = dev_chain.log()
    assert "refused:" not in dev_log and "level=debug" not in dev_log


def test_genesis_writes_a_network_from_its_members_public_keys_and_a_node_runs_it(tmp_path):
    from tiezheng.gm import SM2PrivateKey, keystore

    validator, agency = SM2PrivateKey.generate(), SM2PrivateKey.generate()
    keystore.save(tmp_path / "validator.key", validator, "validator passphrase", iterations=1_000)
    (tmp_path / "validator.pem").write_bytes(validator.public_key().to_pem())
    (tmp_path / "agency.hex").write_text(agency.public_key().to_bytes().hex())  # any public key encoding
    admin, agency_account = Account.create(), Account.create()
    made = run(
        "genesis", "--chain-id", "9301", "--chain-code", "SZJG", "--name", "苏州监管链",
        "--validator", "苏州市数据局", str(tmp_path / "validator.pem"),
        "--admin", admin.address.lower(),
        "--agency", "11320500MB0000001X", "苏州市市场监督管理局", str(tmp_path / "agency.hex"), agency_account.address,
        "--out", str(tmp_path / "genesis.json"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    document = json.loads((tmp_path / "genesis.json").read_text())
    assert made.stdout.startswith(f"wrote {tmp_path / 'genesis.json'}: chain SZJG (id 9301)")
    assert document["validators"] == [{"name": "苏州市数据局", "public_key": validator.public_key().to_bytes().hex()}]
    assert document["execution"]["admins"] == [admin.address]  # checksummed
    assert run("init", "--genesis", str(tmp_path / "genesis.json"), "--data", str(tmp_path / "d")).returncode == 0
    port = free_port()
    node = subprocess.Popen(
        [TIEZHENG_NODE, "run", "--data", str(tmp_path / "d"), "--validator-key", str(tmp_path / "validator.key"),
         "--port", str(port)],
        env={**os.environ, "TIEZHENG_PASSPHRASE": "validator passphrase"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        health = health_once_up(port)
        assert health["chain"] == "SZJG" and health["chain_id"] == 9301 and health["validator"] is True
        agencies = httpx.get(f"http://127.0.0.1:{port}/v1/agencies").json()
        assert [(a["code"], a["active"]) for a in agencies] == [("11320500MB0000001X", True)]
    finally:
        node.terminate()
        _, stderr = node.communicate(timeout=30)
    # No supervision key was given: said at start, not discovered when a deadline passes unannounced.
    assert b"no --supervision-key: this validator raises no overdue alerts" in stderr


def test_genesis_refuses_what_cannot_go_into_a_genesis_and_writes_nothing(tmp_path):
    from tiezheng.gm import SM2PrivateKey

    key = tmp_path / "v.pem"
    key.write_bytes(SM2PrivateKey.generate().public_key().to_pem())
    (tmp_path / "garbage.pem").write_bytes(os.urandom(100))
    out = tmp_path / "genesis.json"
    admin = "0x" + "ab" * 20
    base = ["genesis", "--chain-id", "9301", "--chain-code", "SZJG", "--admin", admin, "--out", str(out)]
    one_line_error(run(*base), "--validator")  # required
    one_line_error(run(*base, "--validator", "v", str(key), "--chain-code", "szjg"), "not a chain code")
    one_line_error(run(*base, "--validator", "v", str(key), "--chain-id", "0"), "out of range")
    one_line_error(run(*base, "--validator", "v", str(key), "--admin", "0x12"), "not an EVM address")
    missing = run(*base, "--validator", "v", str(tmp_path / "absent.pem"))
    one_line_error(missing, "cannot read")
    assert result_code_of(missing) == "unreadable"
    garbage = run(*base, "--validator", "v", str(tmp_path / "garbage.pem"))
    one_line_error(garbage, "holds no SM2 public key")
    assert result_code_of(garbage) == "bad-key"
    one_line_error(run(*base, "--validator", "v", str(key), "--validator", "w", str(key)), "validator key")
    one_line_error(run(*base, "--validator", "v", str(key), "--admin", admin.upper().replace("0X", "0x")), "admin")
    agency = ["--agency", "91110000MA0TEST01X", "某局", str(key), "0x" + "cd" * 20]
    look_alike = ["--agency", "91110000ma0test01x", "假冒", str(key), "0x" + "ef" * 20]
    one_line_error(run(*base, "--validator", "v", str(key), *agency, *look_alike), "letter case aside")
    one_line_error(
        run(*base, "--validator", "v", str(key), "--agency", "91110000MA0TEST01X", "某\u202e局", str(key), admin),
        "U+202E",
    )
    one_line_error(run(*base, "--validator", "v", str(key), "--block-interval-ms", "10"), "block_interval_ms")
    one_line_error(run(*base, "--validator", "v", str(key), "--admin", "0x" + "00" * 20), "zero address")
    one_line_error(run(*base, "--validator", "数据局\u202e", str(key)), "U+202E")
    one_line_error(run(*base, "--validator", "v" * 65, str(key)), "1–64 printable characters")
    assert not out.exists()
    assert run(*base, "--validator", "v", str(key)).returncode == 0
    kept = out.read_bytes()
    exists = run(*base, "--validator", "v", str(key))
    one_line_error(exists, "exists")
    assert result_code_of(exists) == "exists" and out.read_bytes() == kept
