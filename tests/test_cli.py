"""The command line, end to end on the seeds: build, query, view, export, evaluate."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from conftest import ROOT, SEEDS
from policygraph.cli import main


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "exports"
    code, stdout, _ = invoke("build", str(SEEDS), "--out", str(out))
    assert code == 0, stdout
    assert "Built 2 document(s)" in stdout
    return out


def test_build_writes_every_output(built: Path) -> None:
    assert (built / "store" / "CURRENT").is_file()
    assert (built / "policygraph.ttl").stat().st_size > 0
    assert (built / "policygraph.trig").stat().st_size > 0
    assert (built / "views" / "overview.html").is_file()
    # Nothing half-written is left behind; .policygraph holds the generations and cache.
    assert [p.name for p in built.iterdir() if p.name.startswith(".")] == [".policygraph"]


def test_turtle_and_trig_parse_with_an_independent_parser(built: Path) -> None:
    g = rdflib.Graph().parse(data=(built / "policygraph.ttl").read_text("utf-8"), format="turtle")
    d = rdflib.Dataset().parse(data=(built / "policygraph.trig").read_text("utf-8"), format="trig")
    graphs = {str(c.identifier) for c in d.graphs()}
    assert "https://w3id.org/policygraph/id/graph/000_c4ec37985887901a" in graphs
    assert "https://w3id.org/policygraph/id/graph/004_9bd7b7ee794945c4" in graphs
    assert "https://w3id.org/policygraph/graph/ontology" in graphs
    # The Turtle file is the union of the TriG graphs.
    assert len(g) == len({(s, p, o) for s, p, o, _ in d.quads()})


def test_build_is_byte_for_byte_deterministic(built: Path, tmp_path: Path) -> None:
    code, _, _ = invoke("build", str(SEEDS), "--out", str(tmp_path), "--no-views")
    assert code == 0
    for name in ("policygraph.ttl", "policygraph.trig"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes()


def test_every_mention_surface_is_its_text_slice(built: Path) -> None:
    code, stdout, _ = invoke(
        "query",
        "--store",
        str(built / "store"),
        "--format",
        "json",
        "SELECT ?file ?start ?end ?surface WHERE { ?m pgo:inDocument/pgo:sourceFile ?file ; "
        "pgo:start ?start ; pgo:end ?end ; pgo:surface ?surface }",
    )
    assert code == 0
    rows = json.loads(stdout)["results"]["bindings"]
    assert len(rows) > 20
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for row in rows:
        text = texts[row["file"]["value"]]
        start, end = int(row["start"]["value"]), int(row["end"]["value"])
        assert text[start:end] == row["surface"]["value"]


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_query_formats(built: Path, fmt: str) -> None:
    code, stdout, _ = invoke(
        "query",
        "--store",
        str(built / "store"),
        "--format",
        fmt,
        "SELECT ?p ?name WHERE { ?p a pgo:Person ; rdfs:label ?name } ORDER BY ?name",
    )
    assert code == 0
    if fmt == "json":
        names = [b["name"]["value"] for b in json.loads(stdout)["results"]["bindings"]]
    elif fmt == "csv":
        names = [r["name"] for r in csv.DictReader(io.StringIO(stdout))]
    elif fmt == "tsv":
        names = [line.split("\t")[1].strip('"').split('"@')[0] for line in stdout.splitlines()[1:]]
    else:
        names = [line.split()[-1] for line in stdout.splitlines()[2:-1]]
    assert "习近平" in names and "刘晖" in names


def test_ask_construct_describe(built: Path) -> None:
    store = str(built / "store")
    assert invoke("query", "--store", store, "ASK { ?x a pgo:Quote }")[1] == "true\n"
    code, ttl, _ = invoke(
        "query",
        "--store",
        store,
        "CONSTRUCT { ?a dcterms:creator ?p } WHERE { ?a dcterms:creator ?p }",
    )
    assert code == 0 and len(rdflib.Graph().parse(data=ttl, format="turtle")) >= 6
    code, ttl, _ = invoke("query", "--store", store, "DESCRIBE person:习近平")
    assert code == 0 and "习近平" in ttl


def test_malformed_query_exits_2_with_position(built: Path) -> None:
    code, stdout, stderr = invoke("query", "--store", str(built / "store"), "SELECT ?x WHERE { ?x")
    assert code == 2
    assert stdout == ""
    assert "malformed query" in stderr and "1:" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_update_is_refused_without_flag(built: Path) -> None:
    code, _, stderr = invoke(
        "query", "--store", str(built / "store"), "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    )
    assert code == 2 and "SPARQL Update" in stderr


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("query", "--store", str(tmp_path / "nope"), "ASK {}")
    assert code == 2 and "run `policygraph build` first" in stderr


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, _, stderr = invoke("build", str(SEEDS), "--out", str(tmp_path / "afile"))
    assert code == 2 and "afile: --out must be a folder" in stderr


def test_saved_queries_are_listed_and_run(built: Path) -> None:
    code, stdout, _ = invoke("query", "--list")
    names = [line.split()[0] for line in stdout.splitlines()]
    assert {"targets", "policies", "topic", "quotes", "authors", "statistics", "provenance"} <= set(
        names
    )
    for name in names:
        code, _, stderr = invoke("query", "--store", str(built / "store"), "--name", name)
        assert code == 0, stderr


def test_saved_query_parameters(built: Path) -> None:
    store = str(built / "store")
    code, stdout, _ = invoke(
        "query",
        "--store",
        store,
        "--name",
        "provenance",
        "--param",
        "entity=习近平总书记",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert code == 0 and rows and {r["entity"] for r in rows} == {"习近平"}
    code, _, stderr = invoke("query", "--store", store, "--name", "authors", "--param", "x=1")
    assert code == 2 and "no parameter 'x'" in stderr


def test_quotes_and_authors_of_the_seeds(built: Path) -> None:
    store = str(built / "store")
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("query", "--store", store, "--name", "quotes", "--format", "csv")[1])
        )
    )
    dated = {(r["speaker"], r["date"]) for r in rows if r["date"]}
    assert {
        ("习近平", "2025-04"),
        ("习近平", "2025-04-25"),
        ("习近平", "2024-10"),
        ("习近平", "2024-05"),
    } <= dated
    rows = list(
        csv.DictReader(
            io.StringIO(
                invoke("query", "--store", store, "--name", "authors", "--format", "csv")[1]
            )
        )
    )
    authors = {(r["article"], r["author"]) for r in rows}
    assert ("人工智能赋能新质生产力的路径指引", "刘晖") in authors
    assert ("数字经济", "杜庆昊") in authors


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf", "csv"])
def test_export_formats(built: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    code, _, _ = invoke(
        "export", "--store", str(built / "store"), "--format", fmt, "--out", str(out)
    )
    assert code == 0 and out.stat().st_size > 0
    rdf = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
    data = out.read_text(encoding="utf-8")
    if fmt in rdf:
        assert len(rdflib.Graph().parse(data=data, format=rdf[fmt])) > 100
    elif fmt in ("trig", "nq"):
        fmt = "nquads" if fmt == "nq" else fmt
        assert len(list(rdflib.Dataset().parse(data=data, format=fmt).quads())) > 100
    elif fmt in ("graphml", "gexf"):
        import networkx as nx

        g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        assert g.number_of_nodes() > 10


def test_export_to_stdout(built: Path) -> None:
    code, stdout, _ = invoke("export", "--store", str(built / "store"), "--format", "nt")
    assert code == 0 and stdout.count("\n") > 100


def test_views(built: Path, tmp_path: Path) -> None:
    store = str(built / "store")
    page = tmp_path / "xi.html"
    code, _, _ = invoke(
        "view", "--store", store, "--entity", "习近平", "--depth", "2", "--out", str(page)
    )
    assert code == 0 and "习近平" in page.read_text(encoding="utf-8")
    page = tmp_path / "q.html"
    code, _, _ = invoke(
        "view",
        "--store",
        store,
        "--out",
        str(page),
        "--query",
        "SELECT ?a ?p WHERE { ?a dcterms:creator ?p }",
    )
    assert code == 0 and "刘晖" in page.read_text(encoding="utf-8")
    page = tmp_path / "c.html"
    code, _, _ = invoke(
        "view",
        "--store",
        store,
        "--out",
        str(page),
        "--query",
        "CONSTRUCT { ?p pgo:hasTarget ?t } WHERE { ?p pgo:hasTarget ?t }",
    )
    html = page.read_text(encoding="utf-8")
    assert code == 0 and "北京市加快人工智能赋能科学研究高质量发展行动计划" in html
    code, _, stderr = invoke("view", "--store", store, "--query", "ASK { ?s ?p ?o }")
    assert code == 2 and "ASK" in stderr
    for name in ("<https://w3id.org/policygraph/id/industry/数字经济>", "industry:数字经济"):
        code, _, _ = invoke("view", "--store", store, "--entity", name, "--out", str(page))
        assert code == 0
    code, _, stderr = invoke("view", "--store", store, "--entity", "习近平", "--query", "ASK {}")
    assert code == 2 and "only one of" in stderr
    code, _, stderr = invoke("view", "--store", store, "--entity", "没有这个实体")
    assert code == 2 and "没有这个实体" in stderr


def test_every_command_has_help() -> None:
    for command in main.commands:
        code, stdout, _ = invoke(command, "--help")
        assert code == 0 and "Usage:" in stdout


def test_python_dash_m_and_bad_input(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0 and "build" in done.stdout
    code, _, stderr = invoke("build", str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert code == 2 and "missing: no such file or folder" in stderr
    assert not (tmp_path / "o").exists()


def test_evaluate(tmp_path: Path) -> None:
    code, stdout, _ = invoke("evaluate", "--gold", str(ROOT / "gold" / "seeds-smoke.yaml"))
    assert code == 0 and "Person" in stdout
    data = json.loads(
        invoke("evaluate", "--gold", str(ROOT / "gold" / "seeds-smoke.yaml"), "--format", "json")[1]
    )
    assert data["Person"]["recall"] == 1.0


def test_alternative_labels_are_names_as_written(built: Path) -> None:
    rows = _csv(
        built, "SELECT DISTINCT ?label ?alt WHERE { ?e rdfs:label ?label ; skos:altLabel ?alt }"
    )
    pairs = {(r["label"], r["alt"]) for r in rows}
    assert ("习近平", "习近平总书记") in pairs
    assert ("2025", "2025年") in pairs
    assert not [p for p in pairs if p[1] == "今年"]  # a relative year is not a name
    assert not [p for p in pairs if "\n" in p[1] or "——" in p[1]]  # no layout debris


def _csv(built: Path, *args: str) -> list[dict[str, str]]:
    code, stdout, stderr = invoke(
        "query", "--store", str(built / "store"), "--format", "csv", *args
    )
    assert code == 0, stderr
    return list(csv.DictReader(io.StringIO(stdout)))


def test_saved_queries_answer_the_seed_questions(built: Path) -> None:
    """The facts issue #2 names, through the saved queries a user would run."""
    opinion = "国务院关于深入实施“人工智能+”行动的意见"
    plan = "北京市加快人工智能赋能科学研究高质量发展行动计划（2025—2027年）"
    targets = {
        (r["policy"], r["comparator"], r["value"], r["unit"], r["year"])
        for r in _csv(built, "--name", "targets")
    }
    assert (opinion, ">", "70", "%", "2027") in targets
    assert (opinion, ">", "90", "%", "2030") in targets
    assert (plan, ">=", "10", "个", "2027") in targets
    assert (plan, ">=", "10000000", "", "2027") in targets
    # --param narrows to one policy.
    only = _csv(built, "--name", "targets", "--param", "policy=北京市")
    assert only and {r["policy"] for r in only} == {plan}

    policies = {(r["policy"], r["issuer"]) for r in _csv(built, "--name", "policies")}
    assert (opinion, "国务院") in policies and (plan, "北京市") in policies

    about = {
        (r["topic"], r["about"]) for r in _csv(built, "--name", "topic", "-p", "topic=人工智能")
    }
    assert ("人工智能", opinion) in about

    stats = {
        (r["year"], r["indicator"], r["value"], r["unit"])
        for r in _csv(built, "--name", "statistics", "--param", "year=2024")
    }
    assert ("2024", "常住人口城镇化率", "67", "%") in stats
    assert ("2024", "生活在城镇", "940000000", "人") in stats


def test_a_triple_stated_by_two_documents_counts_once(built: Path) -> None:
    # year:2025 is declared in both seed graphs; the default graph is their merge (a set).
    rows = _csv(built, "SELECT (COUNT(*) AS ?n) WHERE { year:2025 pgo:year ?y }")
    assert rows == [{"n": "1"}]
    rows = _csv(
        built, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { year:2025 pgo:year ?y } }"
    )
    assert rows == [{"n": "2"}]


def test_every_entity_has_a_mention(built: Path) -> None:
    rows = _csv(
        built,
        "SELECT ?e WHERE { ?e a ?c . FILTER(STRSTARTS(STR(?c), STR(pgo:)) "
        "&& ?c NOT IN (pgo:Mention, pgo:RelationMention, pgo:Document)) "
        "FILTER NOT EXISTS { ?e pgo:hasMention ?m } }",
    )
    assert rows == []


def test_update_keeps_the_merged_graph_in_step(seed_copy: Path) -> None:
    store = str(seed_copy / "store")
    code, _, _ = invoke(
        "query", "--store", store, "--update", "DELETE WHERE { GRAPH ?g { year:2025 ?p ?o } }"
    )
    assert code == 0
    rows = list(
        csv.DictReader(
            io.StringIO(
                invoke(
                    "query",
                    "--store",
                    store,
                    "--format",
                    "csv",
                    "SELECT (COUNT(*) AS ?n) WHERE { year:2025 ?p ?o }",
                )[1]
            )
        )
    )
    assert rows == [{"n": "0"}]


def test_same_bytes_across_processes_and_input_order(built: Path, tmp_path: Path) -> None:
    # Another interpreter with another hash seed, and the files named in reverse order.
    files = sorted(str(p) for p in SEEDS.glob("*.txt"))[::-1]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "policygraph",
            "build",
            *files,
            "--out",
            str(tmp_path),
            "--no-views",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    for name in ("policygraph.ttl", "policygraph.trig"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes()


@pytest.mark.skipif(shutil.which("rapper") is None, reason="Raptor's rapper is not installed")
def test_turtle_and_trig_pass_a_non_python_parser(built: Path) -> None:
    """Raptor (C) as a parser independent of both Oxigraph, which writes the files, and rdflib."""
    for name, syntax in (("policygraph.ttl", "turtle"), ("policygraph.trig", "trig")):
        done = subprocess.run(
            ["rapper", "-i", syntax, "-c", str(built / name)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Parsing returned" in done.stderr and "error" not in done.stderr.lower()


def test_a_closed_pipe_is_not_an_error(built: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m policygraph export --store {built / 'store'} --format nt | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.stdout.count("\n") == 1
    assert "error" not in done.stderr.lower()


def test_verbose_build_says_what_each_step_did_and_its_time(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "policygraph", "-v", "build", str(SEEDS), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    steps = [line for line in run.stderr.splitlines() if line.startswith("policygraph: INFO:")]
    for what in ("extraction:", "store:", "files:", "views:", "publish:"):
        assert any(what in line and line.endswith(" s)") for line in steps), (what, steps)
