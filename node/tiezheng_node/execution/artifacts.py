"""The compiled contracts in contracts/artifacts (built by contracts/build.mjs with the pinned solc)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector

ARTIFACTS = Path(__file__).resolve().parents[3] / "contracts" / "artifacts"


class ArtifactMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    deployed_bytecode: bytes

    def constructor_types(self) -> list[str]:
        for item in self.abi:
            if item.get("type") == "constructor":
                return [_abi_type(i) for i in item["inputs"]]
        return []

    def init_code(self, *args: Any) -> bytes:
        """Creation bytecode followed by the ABI-encoded constructor arguments."""
        return self.bytecode + abi_encode(self.constructor_types(), list(args))

    def function(self, name: str) -> dict[str, Any]:
        matches = [i for i in self.abi if i.get("type") == "function" and i["name"] == name]
        if len(matches) != 1:
            raise KeyError(f"{self.name} has {len(matches)} functions named {name}")
        return matches[0]

    def calldata(self, name: str, *args: Any) -> bytes:
        function = self.function(name)
        types = [_abi_type(i) for i in function["inputs"]]
        selector = function_signature_to_4byte_selector(f"{name}({','.join(types)})")
        return selector + abi_encode(types, list(args))

    def output_types(self, name: str) -> list[str]:
        return [_abi_type(o) for o in self.function(name)["outputs"]]


def _abi_type(item: dict[str, Any]) -> str:
    kind: str = item["type"]
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])
        return f"({inner}){kind[5:]}"
    return kind


@cache
def load(name: str) -> Artifact:
    path = ARTIFACTS / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except OSError:
        raise ArtifactMissing(f"contract artifact {path} is missing: run `npm run build:contracts`") from None
    return Artifact(
        name=name,
        abi=data["abi"],
        bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")),
        deployed_bytecode=bytes.fromhex(data["deployedBytecode"].removeprefix("0x")),
    )
