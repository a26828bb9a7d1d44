"""The explorer is a WSGI application (explore/wsgi.py): PEP 3333 as checked by the
standard library's validator, served by ``policygraph serve`` and mountable elsewhere."""

from __future__ import annotations

from pathlib import Path
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from policygraph.serve.explore.wsgi import from_store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def app(seed_build):  # type: ignore[no-untyped-def]
    out = seed_build.out  # read only
    with pytest.MonkeyPatch.context() as m:
        m.setenv("POLICYGRAPH_STORE", str(out / "store"))
        yield validator(from_store())


def call(app, path: str, method: str = "GET", accept: str = "text/html"):  # type: ignore[no-untyped-def]
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    path, _, query = path.partition("?")
    environ.update(REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=query, HTTP_ACCEPT=accept)
    answer: dict[str, object] = {}

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        answer["status"], answer["headers"] = status, dict(headers)

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        chunks.close()
    return answer["status"], answer["headers"], body


def test_pages_through_wsgi(app) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = call(app, "/explore")
    assert status == "200 OK" and headers["Content-Type"].startswith("text/html")
    assert int(headers["Content-Length"]) == len(body)
    status, headers, body = call(app, "/search", accept="application/json")
    assert status.startswith("200") and headers["Content-Type"].startswith("application/json")


def test_a_chinese_path_and_the_303(app) -> None:  # type: ignore[no-untyped-def]
    # PATH_INFO as a WSGI server gives it: the UTF-8 bytes decoded as latin-1
    path = "/page/person/习近平".encode().decode("latin-1")
    status, _, body = call(app, path)
    assert status == "200 OK" and "习近平".encode() in body
    status, headers, _ = call(app, "/id/person/习近平".encode().decode("latin-1"))
    assert status.startswith("303") and headers["Location"].startswith("/page/person/")


def test_head_write_and_unknown(app) -> None:  # type: ignore[no-untyped-def]
    status, headers, body = call(app, "/explore", method="HEAD")
    assert status == "200 OK" and body == b"" and int(headers["Content-Length"]) > 0
    status, headers, _ = call(app, "/explore", method="POST")
    assert status.startswith("405") and headers["Allow"] == "GET, HEAD"
    status, _, _ = call(app, "/query")
    assert status.startswith("404")
