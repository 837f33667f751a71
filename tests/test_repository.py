"""The repository keeps its promises: the README's two commands, CI, and the Dockerfile agree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README must open with a sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_the_two_commands():
    run, test = readme_commands()[:2]
    assert run.startswith("./scripts/bootstrap && ") and run.endswith("tiezheng-node dev")
    assert test.startswith("./scripts/bootstrap --test && ") and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert lines == [readme_commands()[1]]


def test_dockerfile_installs_like_the_readme():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    install = readme_commands()[0].split(" && ")[0]
    assert f"RUN {install}" in dockerfile
    assert "USER tiezheng" in dockerfile and "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert 'ENTRYPOINT [".venv/bin/tiezheng-node"]' in dockerfile


def test_layout_of_the_design():
    for folder in ("client/tiezheng", "node/tiezheng_node", "contracts", "scripts", "tests", "docker", "docs"):
        assert (ROOT / folder).is_dir(), folder


def test_client_never_imports_the_node():
    for path in (ROOT / "client").rglob("*.py"):
        text = path.read_text()
        assert "tiezheng_node" not in text, f"{path} imports the node"
        for heavy in ("import eth.", "from eth ", "from eth.", "import plyvel", "import fastapi"):
            assert heavy not in text, f"{path} imports {heavy.split()[-1]}, which a court's install does not have"


def test_client_imports_without_node_dependencies():
    """What a court installs: every client module imports with the node's dependencies blocked."""
    import subprocess
    import sys

    script = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("eth", "plyvel", "fastapi", "uvicorn", "web3", "tiezheng_node"):
            raise ImportError(f"{name} must not be needed by the client")
sys.meta_path.insert(0, Block())
import tiezheng
for module in pkgutil.walk_packages(tiezheng.__path__, "tiezheng."):
    importlib.import_module(module.name)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_the_client_ships_its_type_annotations(tmp_path):
    """PEP 561: py.typed is declared as package data, and a build of the package contains it."""
    import shutil
    import subprocess
    import sys
    import tomllib

    marker = ROOT / "client" / "tiezheng" / "py.typed"
    assert marker.is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["tiezheng"]
    # Build only the client's modules (build_py: what a wheel holds), from a copy, so no build files land here.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "client", tmp_path / "client", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "node").mkdir()
    built = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "tiezheng" / "py.typed").is_file()
    assert (tmp_path / "out" / "tiezheng" / "sdk.py").is_file()


def test_the_sdk_reference_names_every_method_of_the_client():
    """docs/api.md's table of the SDK stays true to the Client: each public method in it, none it lacks."""
    import inspect
    import re

    from tiezheng.sdk import AsyncClient, Client

    text = (ROOT / "docs" / "api.md").read_text()
    reference = text[text.index("### Reference") : text.index("An auditor keeps")]
    documented = set(re.findall(r"`(?:Client\.)?([a-z_]+)\(", reference))
    public = {name for name, _ in inspect.getmembers(Client, inspect.isfunction) if not name.startswith("_")}
    assert public - {"close"} <= documented, public - documented
    assert documented - {"Client", "AsyncClient"} <= public | {"save", "to_cbor", "to_json"}
    async_public = {name for name, _ in inspect.getmembers(AsyncClient, inspect.isfunction) if not name.startswith("_")}
    assert async_public - {"aclose", "close"} == public - {"close"}
