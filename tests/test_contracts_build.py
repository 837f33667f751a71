"""The committed contract artifacts are exactly what the pinned solc-js builds from the sources."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "contracts" / "artifacts"
PINNED_SOLC = "0.8.37"
BOOTSTRAP_HINT = "run `scripts/bootstrap --test` (it installs Node.js and runs `npm ci`)"


def _committed_artifacts() -> list[Path]:
    files = sorted(ARTIFACTS.glob("*.json"))
    assert files, f"no artifacts in {ARTIFACTS}: run `npm run build:contracts`"
    return files


def test_build_reproduces_committed_artifacts(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"Node.js is not installed: {BOOTSTRAP_HINT}")
    solc_package = ROOT / "node_modules" / "solc" / "package.json"
    if not solc_package.is_file():
        pytest.fail(f"node_modules/solc is missing: {BOOTSTRAP_HINT}")
    installed = json.loads(solc_package.read_text())["version"]
    assert installed == PINNED_SOLC, f"node_modules has solc {installed}, not {PINNED_SOLC}: {BOOTSTRAP_HINT}"

    out = tmp_path / "artifacts"
    result = subprocess.run(
        [node, "contracts/build.mjs", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    built = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in ARTIFACTS.iterdir())
    assert built == committed, "contracts/artifacts is out of date: run `npm run build:contracts`"
    for name in built:
        assert (out / name).read_bytes() == (ARTIFACTS / name).read_bytes(), (
            f"contracts/artifacts/{name} differs from a fresh build: run `npm run build:contracts`"
        )


def test_artifacts_and_lockfile_pin_solc():
    for path in _committed_artifacts():
        artifact = json.loads(path.read_text())
        compiler = artifact["compiler"]
        assert compiler["version"].startswith(f"{PINNED_SOLC}+commit"), (path.name, compiler["version"])
        assert compiler["settings"]["evmVersion"] == "prague", path.name
        assert artifact["contractName"] == path.stem
        assert artifact["sourceName"].startswith(("contracts/src/", "contracts/test/")), artifact["sourceName"]

    package = json.loads((ROOT / "package.json").read_text())
    assert package["devDependencies"]["solc"] == PINNED_SOLC

    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"][""]["devDependencies"]["solc"] == PINNED_SOLC
    assert lock["packages"]["node_modules/solc"]["version"] == PINNED_SOLC
