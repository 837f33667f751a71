"""Structured, quiet logs: one logfmt line per event on standard error, warnings and above by default."""

from __future__ import annotations

import logging
import sys
import time


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        message = _one_line(record.getMessage())
        line = f'time={moment} level={record.levelname.lower()} logger={record.name} msg="{message}"'
        if record.exc_info:
            error = _one_line(self.formatException(record.exc_info).splitlines()[-1])
            line += f' error="{error}"'
        return line


def _one_line(text: str) -> str:
    """A value for a quoted logfmt field: what a request put in it (a path, a method) cannot start a line of its own."""
    text = text.replace('"', "'")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def configure(verbosity: int) -> None:
    """0: warnings and errors; 1: also info; 2: also debug (py-evm's own debug stays off)."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("tiezheng").setLevel(level)
    for noisy in ("eth", "trie", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
