"""Real node processes for integration tests: started on a free port, waited for, and stopped."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent
TIEZHENG_NODE = str(BIN / "tiezheng-node")


#: The banner line a dev node prints once it listens; it names the port it got.
BANNER_PORT = re.compile(rb"^  JSON-RPC +http://[^ ]+:(\d+)/rpc$", re.MULTILINE)


def free_port() -> int:
    """A port free a moment ago, for a server that cannot be asked to bind port 0: another may take it meanwhile."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class NodeProcess:
    """A ``tiezheng-node dev`` process. With port 0 its first start binds whatever port is free, and keeps it."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    extra_args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def rpc_url(self) -> str:
        return self.url + "/rpc"

    def start(self, *, timeout: float = 60.0) -> NodeProcess:
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.log"
        log = open(self.log_path, "ab")  # noqa: SIM115 - the process owns it until stopped
        banner_from = log.tell()
        self.process = subprocess.Popen(
            [TIEZHENG_NODE, "dev", "--data", str(self.data_dir), "--port", str(self.port), "-v", *self.extra_args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node exited with {self.process.returncode}:\n{self.log()}")
            if self.port == 0:
                self.port = self._printed_port(banner_from)
                if self.port == 0:
                    time.sleep(0.1)
                    continue
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"node did not start in {timeout} s:\n{self.log()}")

    def _printed_port(self, offset: int) -> int:
        """The port this start's banner names, or 0 while it has not been printed."""
        assert self.log_path is not None
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            found = BANNER_PORT.search(log.read())
        return int(found[1]) if found else 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def accounts(self) -> dict[str, dict[str, Any]]:
        document = json.loads((self.data_dir / "dev-accounts.json").read_text())
        return {a["role"]: a for a in document["accounts"]}

    def rpc(self, method: str, *params: Any) -> Any:
        response = httpx.post(self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"])
        return body["result"]
