"""The node's log lines: logfmt, one per event, whatever a request put into the message."""

from __future__ import annotations

import logging

import pytest

from tiezheng_node.logging_setup import LogfmtFormatter, configure


def line_for(message: str, *args: object) -> str:
    record = logging.LogRecord("tiezheng.api", logging.DEBUG, __file__, 1, message, args, None)
    return LogfmtFormatter().format(record)


def test_a_message_is_one_quoted_field():
    line = line_for("GET %s refused", '/v1/x"y')
    assert line.endswith('msg="GET /v1/x\'y refused"') and "level=debug logger=tiezheng.api" in line


@pytest.mark.parametrize("forged", ["\nlevel=error msg=forged", "\r\x1b[2Jcleared", "\u2028next", "\x00"])
def test_control_characters_from_a_request_cannot_start_a_line_or_drive_a_terminal(forged):
    line = line_for("GET /v1/%s refused", forged)
    assert len(line.splitlines()) == 1 and line.isprintable()


@pytest.mark.parametrize(("verbosity", "shown"), [(0, logging.WARNING), (1, logging.INFO), (2, logging.DEBUG)])
def test_each_v_shows_one_level_more(verbosity, shown):
    configure(verbosity)
    try:
        assert logging.getLogger("tiezheng.api").getEffectiveLevel() == shown
        assert logging.getLogger("eth").getEffectiveLevel() == logging.WARNING  # py-evm's own debug stays off
    finally:
        configure(0)
        logging.getLogger().handlers.clear()
