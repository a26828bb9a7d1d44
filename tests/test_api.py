"""The Python API without CLI words: ``pg.open`` and its Store, errors that name arguments
(the CLI turns them into flags in one place), and the tables the CLI reads its choices from."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import policygraph as pg
from policygraph.cli import as_flags, main
from policygraph.errors import InputError, QueryError, StoreMissing
from policygraph.export import FORMATS as EXPORT_FORMATS
from policygraph.query import FORMATS as RESULT_FORMATS
from policygraph.store import DEFAULT_OUT, DEFAULT_STORE, store_path

PACKAGE = Path(pg.__file__).parent
POLICIES = "SELECT ?p WHERE { ?p a pgo:Policy } ORDER BY ?p"


@pytest.fixture(scope="module")
def out(seed_build) -> Path:  # type: ignore[no-untyped-def]
    return Path(seed_build.out)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def command(name: str) -> click.Command:
    return main.commands[name]


# --- pg.open and Store ---------------------------------------------------------------------


def test_open_takes_the_output_folder_or_its_store(out: Path) -> None:
    assert pg.open(out).path == pg.open(out / "store").path == out / "store"
    assert pg.open(str(out)).path == out / "store"
    assert isinstance(pg.open(out), pg.Store)
    assert repr(pg.open(out)) == f"Store({str(out / 'store')!r})"


def test_open_without_a_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing, match=r"no policygraph store here.*pg\.build\(\)"):
        pg.open(tmp_path)


def test_one_default_place() -> None:
    assert DEFAULT_STORE == store_path(DEFAULT_OUT) == Path("exports/store")
    # The library and the command line default to it; no Path("exports…") elsewhere.
    literal = re.compile(r"""Path\(\s*["']exports""")
    found = [
        p.relative_to(PACKAGE)
        for p in PACKAGE.rglob("*.py")
        if literal.search(p.read_text(encoding="utf-8")) and p.name != "__init__.py"
    ]
    assert found == []
    defaults = [p.default for p in command("query").params if p.name == "store"]
    assert defaults == [DEFAULT_STORE]


def test_store_query_is_run_query_on_its_path(out: Path) -> None:
    store = pg.open(out)
    rows = store.query(POLICIES).rows()
    assert rows and rows == pg.run_query(POLICIES, store=out / "store").rows()
    assert (
        store.query(name="policies").rows()
        == pg.run_query(pg.saved_queries()["policies"].text, store=out / "store").rows()
    )
    with pytest.raises(QueryError, match="give exactly one of sparql=, file= or name="):
        store.query(POLICIES, name="policies")


def test_store_view_and_export(out: Path, tmp_path: Path) -> None:
    store = pg.open(out)
    page = store.view(entity="习近平", depth=2, out=tmp_path / "xi.html")
    assert page == tmp_path / "xi.html" and "习近平" in page.read_text(encoding="utf-8")
    direct = io.BytesIO()
    pg.export("nt", store=out / "store", out=direct)
    assert store.export("nt") == direct.getvalue()
    written = store.export("graphml", out=tmp_path / "g.graphml")
    assert written == tmp_path / "g.graphml" and written.read_bytes().startswith(b"<?xml")
    with pytest.raises(InputError, match="unknown export format 'xls'"):
        store.export("xls")


def test_store_under_other_apis(out: Path) -> None:
    store = pg.open(out)
    assert len(store.oxigraph()) > 0
    assert len(store.graph()) > 0


# --- errors name arguments; the command line names flags -------------------------------------


def test_a_library_error_names_arguments_and_the_cli_names_flags(out: Path) -> None:
    with pytest.raises(InputError) as raised:
        pg.write_view(store=out / "store", entity="习近平", sparql="SELECT * {}")
    message = str(raised.value)
    assert "entity=" in message and "sparql=" in message and "--" not in message
    code, output = cli("view", "--store", str(out / "store"), "--entity", "习近平", "--query", "x")
    assert code == 2
    assert "give only one of --entity, --query, --lineage, --timeline, --indicator" in output
    assert "entity=" not in output


def test_query_errors_in_both_words(out: Path) -> None:
    store = str(out / "store")
    code, output = cli("query", "--store", store, "--name", "policies", "ASK {}")
    assert code == 2 and "give exactly one of SPARQL, --file or --name" in output
    with pytest.raises(QueryError, match=r"use pg\.run_update\(\) to change the store"):
        pg.run_query("DELETE WHERE { ?s ?p ?o }", store=out / "store")
    code, output = cli("query", "--store", store, "DELETE WHERE { ?s ?p ?o }")
    assert code == 2 and "use `policygraph query --update` to change the store" in output
    code, output = cli("query", "--store", str(out / "nowhere"), "ASK {}")
    assert code == 2 and "run `policygraph build` first or pass --store DIR/store" in output


def test_as_flags() -> None:
    build, view = command("build"), command("view")
    assert (
        as_flags("scheduler='tcp://x:1' is for executor='dask' only", build)
        == "--scheduler tcp://x:1 is for --executor dask only"
    )
    assert as_flags("out= must be a folder; doc_timeout=", build) == (
        "--out must be a folder; --doc-timeout"
    )
    assert as_flags("timeline=True draws every policy; leave out sparql=", view) == (
        "--timeline draws every policy; leave out --query"
    )
    assert as_flags("max_nodes=0: must be at least 1", view) == "--max-nodes 0: must be at least 1"
    # Only the command's own arguments; SPARQL variables and other words stay as they are.
    assert as_flags("?entity= and xentity= and port=", view) == "?entity= and xentity= and port="
    assert as_flags("run pg.build() first", None) == "run `policygraph build` first"


def _raised_strings(path: Path) -> list[tuple[int, str]]:
    """The string parts of every ``raise`` in a module, with their lines."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for part in ast.walk(node.exc):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((part.lineno, part.value))
    return found


def test_no_library_error_names_a_cli_flag() -> None:
    flag = re.compile(r"(?<![\w-])--[a-z]")
    skip = {"cli.py", "serve/front.py"}  # the CLI; HTTP answers to a server's clients
    found = [
        f"{p.relative_to(PACKAGE)}:{line}: {text}"
        for p in sorted(PACKAGE.rglob("*.py"))
        if str(p.relative_to(PACKAGE)) not in skip and "explore" not in p.parts
        for line, text in _raised_strings(p)
        if flag.search(text)
    ]
    assert found == []


# --- the CLI reads its choices from the library's tables ----------------------------------


def _choices(command_name: str, option: str) -> list[str]:
    param = next(p for p in command(command_name).params if p.name == option)
    assert isinstance(param.type, click.Choice)
    return list(param.type.choices)


def test_cli_choices_come_from_the_library_tables() -> None:
    from policygraph.export import DEFAULT_GRAPH_MODES
    from policygraph.pipeline import EXECUTORS

    assert _choices("export", "fmt") == list(EXPORT_FORMATS)
    assert _choices("query", "fmt") == list(RESULT_FORMATS)
    assert _choices("build", "executor") == list(EXECUTORS)
    assert _choices("push", "default_graph") == list(DEFAULT_GRAPH_MODES)
    for name, fmt in EXPORT_FORMATS.items():
        assert fmt.name == name and fmt.description


def test_a_skip_reason_names_the_argument_and_the_cli_its_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import SEEDS

    first = sorted(p.name for p in SEEDS.glob("*.txt"))[0]
    monkeypatch.setenv("POLICYGRAPH_FAULT", f"alloc:{first}")
    args = ("build", str(SEEDS), "--no-views", "-j", "1", "--doc-memory", "300")
    code, output = cli(*args, "--out", str(tmp_path / "out"))
    assert code == 0
    assert f"skipped {SEEDS / first}: stopped, over the memory budget of 300 MB (--doc-memory)" in (
        output
    )
