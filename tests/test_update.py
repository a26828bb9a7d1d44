"""SPARQL Update: it changes what queries see or is refused with a reason; a user's own
graphs survive a rebuild; and the query table shows names a query accepts back."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEEDS, copy_of_seed_build
from policygraph.cli import main
from policygraph.query.update import default_graph_writes

TRIPLE = "<urn:a> <urn:b> <urn:c>"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def out(seed_build, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    return copy_of_seed_build(seed_build, tmp_path_factory.mktemp("update") / "exports")


def ask(out: Path, sparql: str) -> bool:
    code, stdout, stderr = invoke("query", "--store", str(out / "store"), sparql)
    assert code == 0, stderr
    return stdout.strip() == "true"


def update(out: Path, sparql: str) -> tuple[int, str, str]:
    return invoke("query", "--store", str(out / "store"), "--update", sparql)


@pytest.mark.parametrize(
    "sparql",
    [
        f"INSERT DATA {{ {TRIPLE} }}",
        f"DELETE DATA {{ {TRIPLE} }}",
        "DELETE WHERE { ?s pgo:year ?y }",
        "INSERT { ?s <urn:p> 1 } WHERE { ?s a pgo:Year }",
        "DELETE { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CLEAR DEFAULT",
        "DROP DEFAULT",
        "COPY <urn:g> TO DEFAULT",
        "ADD <urn:g> TO DEFAULT",
        f"INSERT DATA {{ GRAPH <urn:g> {{ {TRIPLE} }} }} ; INSERT DATA {{ {TRIPLE} }}",
    ],
)
def test_default_graph_writes_are_refused_and_change_nothing(out: Path, sparql: str) -> None:
    before = invoke("query", "--store", str(out / "store"), "--name", "classes")[1]
    code, stdout, stderr = update(out, sparql)
    assert code == 2, (stdout, stderr)
    assert "refused" in stderr and "GRAPH <" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert invoke("query", "--store", str(out / "store"), "--name", "classes")[1] == before
    assert not ask(out, f"ASK {{ GRAPH <urn:g> {{ {TRIPLE} }} }}")


@pytest.mark.parametrize(
    "sparql",
    [
        f"INSERT DATA {{ GRAPH <urn:g> {{ {TRIPLE} }} }}",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
        "INSERT { GRAPH <urn:g> { ?s <urn:p> 1 } } WHERE { ?s a pgo:Year }",
        "ADD DEFAULT TO <urn:g>",
        "CLEAR ALL",
    ],
)
def test_named_graph_writes_pass_the_check(sparql: str) -> None:
    assert default_graph_writes(sparql) == []


def test_an_update_changes_what_queries_see_and_survives_a_rebuild(out: Path) -> None:
    code, stdout, _ = update(out, f"INSERT DATA {{ GRAPH <urn:my:notes> {{ {TRIPLE} }} }}")
    assert code == 0 and "1 quad added" in stdout
    assert ask(out, f"ASK {{ {TRIPLE} }}")  # the default graph, as the saved queries read
    assert ask(out, f"ASK {{ GRAPH <urn:my:notes> {{ {TRIPLE} }} }}")
    # A rebuild makes policygraph's graphs anew and carries the user's graph over.
    code, _, _ = invoke("build", str(SEEDS), "--out", str(out), "--no-views")
    assert code == 0
    assert ask(out, f"ASK {{ {TRIPLE} }}")
    assert ask(out, f"ASK {{ GRAPH <urn:my:notes> {{ {TRIPLE} }} }}")
    code, stdout, _ = update(out, f"DELETE DATA {{ GRAPH <urn:my:notes> {{ {TRIPLE} }} }}")
    assert code == 0 and "1 quad removed" in stdout
    assert not ask(out, f"ASK {{ {TRIPLE} }}")


def test_an_update_that_matches_nothing_says_so(out: Path) -> None:
    code, stdout, _ = update(out, "DELETE WHERE { GRAPH <urn:none> { ?s ?p ?o } }")
    assert code == 0 and "no net change" in stdout


def test_a_malformed_update_is_one_line(out: Path) -> None:
    code, _, stderr = update(out, f"INSERT DATA {{ GRAPH <urn:g> {{ {TRIPLE} }}")
    assert code == 2 and stderr.startswith("policygraph: error: malformed update")
    assert len(stderr.strip().splitlines()) == 1


def test_tables_show_names_a_query_accepts(out: Path) -> None:
    store = str(out / "store")
    code, stdout, _ = invoke(
        "query", "--store", store, "SELECT ?y WHERE { ?y a pgo:Year } ORDER BY ?y LIMIT 1"
    )
    assert code == 0
    name = stdout.splitlines()[2].strip()
    assert name.startswith("year:"), stdout
    # Pasted back into a query, the name finds the same entity.
    assert ask(out, f"ASK {{ {name} a pgo:Year }}")


def test_unknown_prefix_and_parameter_are_named(out: Path) -> None:
    store = str(out / "store")
    code, _, stderr = invoke("query", "--store", store, "SELECT * WHERE { ?s foo:bar ?o }")
    assert code == 2 and "unknown prefix 'foo:'" in stderr
    code, _, stderr = invoke("query", "--store", store, "--name", "topic", "--param", "x=1")
    assert code == 2 and "no parameter 'x'" in stderr and "topic" in stderr
    assert "UNDEF" not in stderr
    for name, param in [("topic", "topic"), ("provenance", "entity")]:
        code, _, stderr = invoke(
            "query", "--store", store, "--name", name, "--param", f"{param}=http://a<b"
        )
        assert code == 2 and "not a valid IRI" in stderr and "Traceback" not in stderr
