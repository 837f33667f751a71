"""Arguments the SDK cannot use are refused as BadArgument, naming the argument and what it takes, before any request.

A BadArgument is a TiezhengError (code ``bad-argument``) and a ValueError; never an
AttributeError or TypeError from deep inside, nor a refusal that waits for the node.
"""

from __future__ import annotations

import tiezheng
from tiezheng.errors import TiezhengError
from tiezheng.sdk import BadArgument


def test_bad_argument_is_exported_with_the_other_sdk_errors():
    assert tiezheng.BadArgument is BadArgument and "BadArgument" in tiezheng.__all__
    assert issubclass(BadArgument, TiezhengError) and issubclass(BadArgument, ValueError)
    assert BadArgument("x").code == "bad-argument"
