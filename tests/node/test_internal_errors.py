"""A bug in a handler is answered in the API's error shape (or as a page), and logged with its traceback."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from tiezheng_node.api.app import create_app


def _failing() -> None:
    raise RuntimeError("secret detail that must not reach the client")


def test_an_unexpected_error_is_a_coded_500_for_the_api_and_a_page_for_the_explorer(chain, caplog):
    app = create_app(chain.node)
    app.add_api_route("/v1/failing", _failing)
    app.add_api_route("/failing-page", _failing)
    with caplog.at_level(logging.ERROR, logger="tiezheng"), TestClient(app, raise_server_exceptions=False) as client:
        api = client.get("/v1/failing")
        page = client.get("/failing-page")
        assert client.get("/healthz").status_code == 200  # and the node goes on serving
    assert api.status_code == 500 and api.json()["error"]["code"] == "internal"
    assert "secret detail" not in api.text
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "secret detail" not in page.text and "出错" in page.text
    assert "RuntimeError" in caplog.text and "secret detail" in caplog.text  # the log has the traceback
