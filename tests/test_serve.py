"""``policygraph serve`` end to end: the guarding front and Oxigraph's server behind it, on
the seed store, over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from policygraph.errors import StoreMissing
from policygraph.serve import server as s

try:
    s.oxigraph_program()
except s.ServeError:  # pragma: no cover - the test extra installs it
    pytest.skip("the oxigraph server is not installed", allow_module_level=True)

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(seed_build) -> Path:  # type: ignore[no-untyped-def]
    return Path(seed_build.out) / "store"


def http(
    method: str,
    url: str,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    *,
    full: bool = False,
) -> tuple[int, bytes]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Accept": "application/sparql-results+json", **(headers or {})},
    )
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = (response.status, response.read())
            return (*answer, dict(response.headers)) if full else answer  # type: ignore[return-value]
    except urllib.error.HTTPError as e:
        with e:  # it holds the connection
            answer = (e.code, e.read())
        return (*answer, dict(e.headers)) if full else answer  # type: ignore[return-value]


def count(url: str, sparql: str = COUNT) -> int:
    status, body = http("POST", url + "query", {"query": sparql})
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def start_cli(
    store: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    """`policygraph serve` in its own process; returns once it says where it listens, with
    the write token it printed (or "")."""
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
        env=env,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    token = ""
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith("Write token: "):
            token = line.split()[2]
        if line.startswith("SPARQL endpoint:"):
            return process, f"http://127.0.0.1:{port}/", token
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"serve did not start: {process.communicate()}")


def test_serve_answers_sparql_refuses_writes_and_stops_on_ctrl_c(store: Path) -> None:
    expected = len(
        list(ox.Store.read_only(str(store)).quads_for_pattern(None, None, None, ox.DefaultGraph()))
    )
    process, url, _ = start_cli(store)
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


INSERT = {"update": "INSERT DATA { GRAPH <urn:my:notes> { <urn:a> <urn:b> <urn:c> } }"}


def test_writable_accepts_an_update_and_sigterm_stops_it(store: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    env = {k: v for k, v in os.environ.items() if k != s.TOKEN_ENV}
    process, url, token = start_cli(copy, "--writable", env=env)
    try:
        assert len(token) >= 24
        # No token, a wrong one, or a cross-site page with the right one: refused.
        status, _ = http("POST", url + "update", INSERT)
        assert status == 401
        status, _ = http("POST", url + "update", INSERT, {"Authorization": "Bearer nope"})
        assert status == 401
        status, _ = http("DELETE", url + "store?default")
        assert status == 401
        bearer = {"Authorization": f"Bearer {token}"}
        status, _ = http(
            "POST", url + "update", INSERT, {**bearer, "Origin": "https://evil.example"}
        )
        assert status == 403
        assert count(url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }") == 0
        status, _ = http("POST", url + "update", INSERT, {**bearer, "Origin": url.rstrip("/")})
        assert status == 204
        # The default graph (what queries read) follows the named graphs after a write.
        assert count(url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }") == 1
        # A write to the default graph itself would be undone by that merge: refused.
        status, body = http(
            "POST", url + "update", {"update": "INSERT DATA { <urn:x> <urn:y> <urn:z> }"}, bearer
        )
        assert status == 400 and b"GRAPH <" in body
        status, _ = http("PUT", url + "store?default", None, bearer)
        assert status == 400
        assert count(url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:x> ?p ?o }") == 0
        delete = {"update": INSERT["update"].replace("INSERT", "DELETE")}
        status, _ = http("POST", url + "update", delete, bearer)
        assert status == 204
        assert count(url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }") == 0
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


# -- the front's checks (issue 18) ----------------------------------------------------

DEEP = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
#: Three copies of the store joined: runs for hours on the seeds.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_hostile_queries_get_400_and_the_server_stays_up(store: Path) -> None:
    with s.running(store, port=s.free_port()) as server:
        url = server.url
        status, body = http("POST", url + "query", {"query": DEEP})
        assert status == 400 and b"nests brackets" in body and body.count(b"\n") == 1
        status, _ = http("GET", url + "query?" + urllib.parse.urlencode({"query": DEEP}))
        assert status == 400
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
        status, body = http("POST", url + "query", {"query": service})
        assert status == 400 and b"SERVICE" in body and b"--allow-remote" in body
        # As a raw SPARQL body too.
        request = urllib.request.Request(
            url + "query",
            data=DEEP.encode(),
            method="POST",
            headers={"Content-Type": "application/sparql-query"},
        )
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(request, timeout=30)
        assert e.value.code == 400
        e.value.close()
        assert count(url) > 0
        assert server.backend.restarts == 0


def test_foreign_host_names_are_refused_unless_allowed(store: Path) -> None:
    with s.running(store, port=s.free_port(), allow_hosts=("graph.example",)) as server:
        url = server.url
        status, body = http("POST", url + "query", {"query": COUNT}, {"Host": "evil.example"})
        assert status == 403 and b"evil.example" in body
        for name in ("graph.example", "localhost", "127.0.0.1", "[::1]"):
            port = url.rsplit(":", 1)[1].strip("/")
            status, _ = http("POST", url + "query", {"query": COUNT}, {"Host": f"{name}:{port}"})
            assert status == 200, name


def test_cors_headers_only_when_asked(store: Path) -> None:
    for cors in (False, True):
        with s.running(store, port=s.free_port(), cors=cors) as server:
            status, _, headers = http(
                "POST",
                server.url + "query",
                {"query": COUNT},
                {"Origin": "https://elsewhere.example"},
                full=True,
            )
            assert status == 200
            assert ("Access-Control-Allow-Origin" in headers) is cors


def test_the_token_can_be_given(store: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    with s.running(copy, port=s.free_port(), writable=True, token="sesame") as server:
        assert server.token == "sesame" and not server.token_generated
        status, _ = http("POST", server.url + "update", INSERT, {"Authorization": "Bearer sesame"})
        assert status == 204
        # Remote requests in updates are refused as in queries.
        status, body = http(
            "POST",
            server.url + "update",
            {"update": "LOAD <http://127.0.0.1:9/x.ttl>"},
            {"Authorization": "Bearer sesame"},
        )
        assert status == 400 and b"LOAD" in body


def test_a_timeout_is_503_never_a_cut_200_and_the_server_goes_on(store: Path) -> None:
    with s.running(store, port=s.free_port(), timeout=1) as server:
        started = time.monotonic()
        status, body = http("POST", server.url + "query", {"query": SLOW})
        took = time.monotonic() - started
        assert status == 503 and b"longer than 1 s" in body
        assert took < 3, took
        assert count(server.url) > 0


def test_an_answer_too_large_to_hold_is_503(store: Path) -> None:
    rows = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 58 million rows on the seeds
    with s.running(store, port=s.free_port(), timeout=30, max_answer_mb=1) as server:
        status, body = http("POST", server.url + "query", {"query": rows})
        assert status == 503 and b"larger than 1 MB" in body
        assert count(server.url) > 0


def test_a_child_that_dies_is_restarted_and_the_request_gets_502(store: Path) -> None:
    with s.running(store, port=s.free_port(), timeout=0) as server:
        first = server.process
        outcome: list[int] = []
        asking = threading.Thread(
            target=lambda: outcome.append(http("POST", server.url + "query", {"query": SLOW})[0])
        )
        asking.start()
        time.sleep(1.0)
        first.send_signal(signal.SIGKILL)  # as a segfault would
        asking.join(30)
        assert outcome == [502]
        assert server.process is not first and server.process.poll() is None
        assert count(server.url) > 0


def test_memory_is_bounded_and_the_child_comes_back(store: Path) -> None:
    hungry = (
        "SELECT ?a ?b ?c ?d ?e ?f ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?g"
    )
    with s.running(store, port=s.free_port(), timeout=30, max_memory_mb=1024) as server:
        status, body = http("POST", server.url + "query", {"query": hungry})
        assert status == 502, body
        deadline = time.monotonic() + 20
        while server.backend.restarts == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert count(server.url) > 0


# -- following the current build (issue 19, item 3) ----------------------------------

DOCUMENTS = (
    "SELECT (COUNT(?d) AS ?n) WHERE { ?d a <https://w3id.org/policygraph/ontology#Document> }"
)


def test_the_server_follows_each_new_build(tmp_path: Path) -> None:
    from policygraph.api import build

    inputs = tmp_path / "in"
    inputs.mkdir()
    out = tmp_path / "out"
    (inputs / "a.txt").write_text(
        "关于推进人工智能发展的意见\n\n到2027年，人工智能核心产业规模超过1万亿元。\n",
        encoding="utf-8",
    )
    build([inputs], out, views=False, jobs=1)
    with s.running(out / "store", port=s.free_port()) as server:
        assert count(server.url, DOCUMENTS) == 1
        for n, name in ((2, "b.txt"), (3, "c.txt")):
            (inputs / name).write_text(
                f"关于{name}的通知\n\n到2030年，{name}数字经济核心产业增加值占比达到15%。\n",
                encoding="utf-8",
            )
            build([inputs], out, views=False, jobs=1)
            deadline = time.monotonic() + 30
            while count(server.url, DOCUMENTS) != n:
                assert time.monotonic() < deadline, f"still serving the old build after {name}"
                time.sleep(0.2)
        assert server.backend.restarts == 2


def test_out_of_threads_or_memory_answers_are_recognised() -> None:
    from policygraph.serve.front import exhausted

    assert exhausted(b"failed to spawn thread: Os { code: 11, kind: WouldBlock }")
    assert exhausted(b"Resource temporarily unavailable")
    assert exhausted(b"memory allocation of 1048576 bytes failed")
    assert not exhausted(b"Parser error at 1:3")


def test_bad_requests_get_400_and_close_the_connection_they_say_so(store: Path) -> None:
    """Found by a hostile review: 1,001 URL parameters dropped the connection with a
    traceback on the console, 51 on an explorer page gave 500, and an error closed a
    keep-alive connection without ``Connection: close``."""
    many = "&".join(f"a{i}=1" for i in range(1001))
    with s.running(store, port=s.free_port()) as server:
        status, body, headers = http("GET", server.url + "query?" + many, full=True)
        assert status == 400 and b"1,000" in body
        assert headers.get("Connection") == "close"
        page = "&".join(f"a{i}=1" for i in range(51))
        status, body = http("GET", server.url + "explore/policies?" + page)
        assert status == 400 and b"50 parameters" in body
        assert count(server.url) > 0
    from policygraph.serve.front import FrontServer

    assert FrontServer.request_queue_size >= 128  # (the standard library's 5 made bursts wait)


def test_answers_held_at_once_share_one_budget(store: Path) -> None:
    rows = "SELECT * WHERE { ?s ?p ?o } LIMIT 2000"  # well under one answer's 1 MB
    with s.running(store, port=s.free_port(), max_answer_mb=1) as server:
        answers = server.front.rules.answers  # type: ignore[attr-defined]
        assert answers.limit == 2 * 1024 * 1024 and answers.held == 0
        answers.take(answers.limit - 1000)  # as if other requests held large answers
        status, body, headers = http("POST", server.url + "query", {"query": rows}, full=True)
        assert status == 503 and b"other large answers" in body and headers["Retry-After"]
        answers.give(answers.limit - 1000)
        status, _ = http("POST", server.url + "query", {"query": rows})
        assert status == 200
        # Every answer gives its bytes back once sent: just after the client has read them.
        deadline = time.monotonic() + 5
        while answers.held and time.monotonic() < deadline:
            time.sleep(0.01)
        assert answers.held == 0


def test_a_client_going_away_prints_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from policygraph.serve.front import FrontServer

    server = FrontServer.__new__(FrontServer)  # (handle_error needs no socket)
    for error in (BrokenPipeError(), ConnectionResetError()):
        try:
            raise error
        except ConnectionError:
            server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""
    try:
        raise ValueError("a real fault")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a real fault" in capsys.readouterr().err
