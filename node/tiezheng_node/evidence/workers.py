"""Worker processes that check envelopes' statements beside the node's main process.

Python runs one thread at a time per process, and checking statements is the
bulk of admitting a batch, so the node hands large envelopes to worker
processes (another core) while its main process keeps sealing blocks. Each
worker is ``python -m tiezheng_node.evidence.workers``, speaking length-framed
CBOR over its standard input and output: a plain subprocess, so nothing of the
node's state (threads, LevelDB) is copied into it, and nothing about how the
node was started (a console script, a test runner) matters.
"""

from __future__ import annotations

import queue
import signal
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO

import cbor2

from tiezheng import cbor

from .checks import CheckedStatements, check_statements

_FRAME = struct.Struct(">I")
_MAX_FRAME = 64 * 1024 * 1024
# Checking 10,000 statements takes well under a second; a worker silent for this long is
# stuck (or its pipe lost a frame) and is killed, so admission falls back instead of waiting forever.
DEFAULT_ANSWER_TIMEOUT = 60.0


class WorkerFailed(RuntimeError):
    """A worker process died or answered nonsense; the caller may check the statements itself."""


def _write(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_FRAME.pack(len(payload)) + payload)
    stream.flush()


def _read(stream: BinaryIO) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    if size > _MAX_FRAME:
        raise WorkerFailed("frame too large")
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    answer_timeout: float = DEFAULT_ANSWER_TIMEOUT

    def check(
        self, statements: list[bytes], agency: str, key: bytes, cosigners: list[dict[str, Any]] | None
    ) -> CheckedStatements:
        assert self.process.stdin is not None and self.process.stdout is not None
        watchdog = threading.Timer(self.answer_timeout, self.process.kill)
        watchdog.daemon = True
        watchdog.start()
        try:
            _write(self.process.stdin, cbor.encode([statements, agency, key, cosigners]))
            answer = _read(self.process.stdout)
        except (OSError, ValueError) as exc:
            raise WorkerFailed(str(exc)) from None
        finally:
            watchdog.cancel()
        if answer is None:
            raise WorkerFailed("the worker process exited or stopped answering")
        value: Any = cbor2.loads(answer)
        error = tuple(value["error"]) if value.get("error") else None
        return CheckedStatements(
            value["leaf"],
            value["digest"],
            value["kind"],
            value["subject"],
            value["root"],
            error,
            value["prev"],  # type: ignore[arg-type]
        )


class CheckWorkers:
    """A fixed number of worker processes, started eagerly or on first use; ``check`` waits for one without the GIL."""

    def __init__(self, count: int, *, answer_timeout: float = DEFAULT_ANSWER_TIMEOUT) -> None:
        self._count = count
        self._answer_timeout = answer_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()

    def _start(self) -> _Worker:
        process = subprocess.Popen(
            [sys.executable, "-m", "tiezheng_node.evidence.workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # Out of the node's process group: a terminal's Ctrl-C is the node's to act on, not its workers'
            # (not even while a worker is still importing, before it could ignore the signal).
            start_new_session=True,
        )
        return _Worker(process, self._answer_timeout)

    def start(self) -> None:
        """Start the worker processes now, so the first large envelope does not wait for Python to start."""
        with self._lock:
            self._fill()

    def _fill(self) -> None:
        while len(self._workers) < self._count:
            worker = self._start()
            self._workers.append(worker)
            self._idle.put(worker)

    def check(
        self, statements: list[bytes], agency: str, key: bytes, cosigners: list[dict[str, Any]] | None
    ) -> CheckedStatements:
        with self._lock:
            self._fill()
        worker = self._idle.get()
        try:
            return worker.check(statements, agency, key, cosigners)
        except WorkerFailed:
            worker.process.kill()
            with self._lock:
                self._workers.remove(worker)
                worker = self._start()
                self._workers.append(worker)
            raise
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
            self._count = 0
        for worker in workers:
            if worker.process.stdin is not None:
                worker.process.stdin.close()
        for worker in workers:
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.process.kill()


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """The worker's loop: a request [statements, agency, key, cosigners] in, CheckedStatements out, until stdin
    closes."""
    while (request := _read(stdin)) is not None:
        statements, agency, key, cosigners = cbor2.loads(request)
        checked = check_statements(statements, agency, key, cosigners)
        answer = {
            "leaf": checked.leaf_hashes,
            "digest": checked.digests,
            "kind": checked.kinds,
            "subject": checked.subjects,
            "root": checked.root,
            "error": list(checked.error) if checked.error else None,
            "prev": checked.prevs,
        }
        _write(stdout, cbor2.dumps(answer))


if __name__ == "__main__":
    # Ctrl-C in a terminal signals the node's whole process group: the node stops its workers in
    # its own time (closing their input), so a worker neither dies mid-answer nor prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(sys.stdin.buffer, sys.stdout.buffer)
