"""``policygraph serve`` end to end: Oxigraph's server on the seed store, over real HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from policygraph import serve as s
from policygraph.errors import StoreMissing

try:
    s.oxigraph_program()
except s.ServeError:  # pragma: no cover - the test extra installs it
    pytest.skip("the oxigraph server is not installed", allow_module_level=True)

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(seed_build) -> Path:  # type: ignore[no-untyped-def]
    return Path(seed_build.out) / "store"


def http(method: str, url: str, data: dict[str, str] | None = None) -> tuple[int, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Accept": "application/sparql-results+json"}
    )
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def count(url: str, sparql: str = COUNT) -> int:
    status, body = http("POST", url + "query", {"query": sparql})
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def start_cli(store: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`policygraph serve` in its own process; returns once it says where it listens."""
    port = s.free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "policygraph",
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith("SPARQL endpoint:"):
            return process, f"http://127.0.0.1:{port}/"
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"serve did not start: {process.communicate()}")


def test_serve_answers_sparql_refuses_writes_and_stops_on_ctrl_c(store: Path) -> None:
    expected = len(
        list(ox.Store.read_only(str(store)).quads_for_pattern(None, None, None, ox.DefaultGraph()))
    )
    process, url = start_cli(store)
    try:
        assert count(url) == expected > 0
        # Read-only: SPARQL Update and Graph Store writes are refused.
        status, _ = http(
            "POST", url + "update", {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}
        )
        assert status == 403
        status, _ = http("DELETE", url + "store?default")
        assert status == 403
        assert count(url) == expected
        status, page = http("GET", url)
        assert status == 200 and b"<html" in page.lower()
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(30)
        process.communicate()
    assert code == 0
    # The Oxigraph child went with it: the port is free again.
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert s._port_free("127.0.0.1", port)


def test_writable_accepts_an_update_and_sigterm_stops_it(store: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    process, url = start_cli(copy, "--writable")
    try:
        status, _ = http(
            "POST", url + "update", {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}
        )
        assert status == 204
        assert count(url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }") == 1
    finally:
        process.terminate()
        assert process.wait(30) == 0
        process.communicate()


def test_missing_store_is_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "serve", "--store", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no policygraph store here" in done.stderr
    with pytest.raises(StoreMissing):
        s.start(tmp_path / "nope")


def test_a_store_another_process_writes_is_refused(store: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    writer = ox.Store(str(copy))  # holds RocksDB's lock, as a running build does
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "policygraph",
                "serve",
                "--store",
                str(copy),
                "--port",
                str(s.free_port()),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        del writer
    assert done.returncode == 1
    assert "in use by another process" in done.stderr
    assert done.stderr.count("\n") == 1  # one line, no Rust backtrace


def test_a_port_in_use_is_a_clear_error(store: Path) -> None:
    with s.running(store, port=s.free_port()) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        with pytest.raises(s.ServeError, match="already in use"):
            s.start(store, port=port)
        assert count(server.url) > 0
    assert server.process.poll() is not None


def test_non_loopback_host_warns(tmp_path: Path) -> None:
    assert s.is_loopback("127.0.0.1") and s.is_loopback("localhost") and s.is_loopback("::1")
    assert not s.is_loopback("0.0.0.0") and not s.is_loopback("192.168.1.2")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "policygraph",
            "serve",
            "--host",
            "0.0.0.0",
            "--store",
            str(tmp_path / "nope"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "warning: listening on 0.0.0.0" in done.stderr
