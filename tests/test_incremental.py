"""Adding, changing and removing documents updates the previous build in place of a
clean build (graph/incremental.py), and the result is the same: the same quads in the
store, the same bytes in policygraph.ttl and policygraph.trig."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import policygraph as pg
from conftest import assert_same_build, small_corpus, store_quads
from policygraph.store import incremental

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _corpus(tmp_path: Path) -> Path:
    return small_corpus(tmp_path, "a.txt", "b.txt")


def test_add_change_remove_is_a_clean_build(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    (folder / "c.txt").write_text(  # add
        "关于加快数字经济发展的通知\n工业和信息化部\n2026年1月5日\n"
        "到2030年，数字经济核心产业增加值占国内生产总值比重达到15%。\n",
        encoding="utf-8",
    )
    text = (folder / "b.txt").read_text(encoding="utf-8")  # change
    (folder / "b.txt").write_text(text.replace("接近70%", "超过72%"), encoding="utf-8")
    (folder / "a.txt").unlink()  # remove
    again = pg.build([folder], out, views=False)
    assert (again.new, again.changed, again.removed) == (1, 1, 1)
    gen = (out / ".policygraph" / "current").resolve()
    assert (gen / incremental.GRAPHS).is_file()
    pg.build([folder], tmp_path / "clean", views=False)
    assert_same_build(out, tmp_path / "clean")


def test_the_update_copies_the_previous_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The store of an update starts as a checkpoint of the previous one, which stays
    whole (a server may be reading it)."""
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    before = (out / ".policygraph" / "current").resolve()
    quads = store_quads(out)
    (folder / "a.txt").unlink()
    with caplog.at_level("INFO", logger="policygraph"):
        pg.build([folder], out, views=False)
    assert "replaced in a copy of the previous store" in caplog.text
    if before.exists():  # the previous generation is kept until the next build
        assert set(ox.Store.read_only(str(before / "store"))) == quads


def test_another_extractor_version_builds_afresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    record = (out / ".policygraph" / "current").resolve() / incremental.GRAPHS
    record.write_text(record.read_text("utf-8").replace('"version": "', '"version": "x'), "utf-8")
    (folder / "a.txt").unlink()
    with caplog.at_level("INFO", logger="policygraph"):
        pg.build([folder], out, views=False)
    assert "bulk-loaded" in caplog.text
    pg.build([folder], tmp_path / "clean", views=False)
    assert_same_build(out, tmp_path / "clean")


def test_user_graphs_survive_an_update(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    pg.run_update(
        "INSERT DATA { GRAPH <https://example.org/notes> { <https://example.org/x> "
        '<https://example.org/p> "n" } }',
        store=out / "store",
    )
    note = ox.Quad(
        ox.NamedNode("https://example.org/x"),
        ox.NamedNode("https://example.org/p"),
        ox.Literal("n"),
        ox.NamedNode("https://example.org/notes"),
    )
    (folder / "a.txt").unlink()
    pg.build([folder], out, views=False)
    assert note in store_quads(out)
    assert ox.Quad(note.subject, note.predicate, note.object, ox.DefaultGraph()) in store_quads(out)


def test_a_users_copy_of_a_documents_triple_is_written_once(tmp_path: Path) -> None:
    """A user's graph that states a triple of a document's own part: the Turtle has it in
    that document's part while the document states it, and among the shared lines once it
    no longer does (store/chunks.py ``not_owned``, whose answers an update keeps)."""
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    surface = '<https://w3id.org/policygraph/ontology#surface> "常住人口城镇化率接近70%"'
    query = f'SELECT ?s WHERE {{ ?s {surface} FILTER(STRENDS(STR(?s), "-target")) }}'
    (row,) = pg.open(out).oxigraph().query(query)  # type: ignore[union-attr,misc]
    insert = f"INSERT DATA {{ GRAPH <https://example.org/notes> {{ {row[0]} {surface} }} }}"

    def with_note(target: Path) -> None:
        pg.run_update(insert, store=target / "store")
        pg.build([folder], target, views=False)  # (a store edited since: loaded afresh)

    with_note(out)
    text = (folder / "b.txt").read_text(encoding="utf-8")
    (folder / "b.txt").write_text(text.replace("接近70%", "超过72%"), encoding="utf-8")
    again = pg.build([folder], out, views=False)
    assert again.changed == 1
    ref = tmp_path / "ref"
    pg.build([folder], ref, views=False)
    with_note(ref)
    assert_same_build(out, ref)


def test_the_api_functions_stay_callable(tmp_path: Path) -> None:
    """``pg.build`` after ``from policygraph.pipeline.build import …`` (the package attribute is
    then the module) and twice in a notebook: both calls build."""
    import subprocess
    import sys

    script = (
        "from pathlib import Path\n"
        "from policygraph.pipeline.build import BuildResult\n"
        "import policygraph as pg\n"
        "import policygraph.export, policygraph.evaluate.gold\n"
        f"a = pg.build([Path({str(SEEDS)!r})], Path({str(tmp_path / 'a')!r}), views=False)\n"
        f"b = pg.build([Path({str(SEEDS)!r})], Path({str(tmp_path / 'b')!r}), views=False)\n"
        "assert isinstance(a, BuildResult) and a.triples == b.triples\n"
        "assert callable(pg.export) and callable(pg.evaluate)\n"
        "print('ok')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_the_summary_counts_are_the_stores(tmp_path: Path) -> None:
    """The counts a build prints come from the chunks; they are what the store holds."""
    from policygraph.pipeline.build import count_entities, count_triples

    folder = _corpus(tmp_path)
    result = pg.build([folder], tmp_path / "out", views=False)
    store = ox.Store.read_only(str((tmp_path / "out" / "store").resolve()))
    assert result.triples == count_triples(store)
    assert result.entities == count_entities(store)


def test_unchanged_graphs_are_copied_from_the_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update reads the chunk of the changed document only: the other graphs are copied
    from the previous generation's files (store/layout.py), the same bytes as a clean
    build. A previous file edited since it was written (its size or time differ) is never
    copied from: the files are assembled from the chunks again."""
    from policygraph.store import layout
    from policygraph.store import state as reduce_state

    folder = _corpus(tmp_path)
    for i in range(8):  # more documents than the update reads chunks of
        (folder / f"n{i}.txt").write_text(
            f"关于第{i + 1}批试点的通知\n国务院办公厅\n2025年{i + 1}月1日\n"
            f"到2030年，试点城市达到{10 + i}个。\n",
            encoding="utf-8",
        )
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    opened: list[Path] = []
    spans = reduce_state.chunk_spans

    def spy(f, path):  # type: ignore[no-untyped-def]
        opened.append(path)
        return spans(f, path)

    monkeypatch.setattr(reduce_state, "chunk_spans", spy)
    text = (folder / "b.txt").read_text(encoding="utf-8")
    (folder / "b.txt").write_text(text.replace("接近70%", "超过72%"), encoding="utf-8")
    pg.build([folder], out, views=False)
    # the changed document's chunks (old and new: the reduce takes one back, adds the
    # other; the new one is assembled), no other
    assert len(opened) <= 3, opened
    clean = tmp_path / "clean"
    pg.build([folder], clean, views=False)
    assert_same_build(out, clean)
    # Edit the current generation's TriG in place (same size): it must not be copied from.
    gen = (out / "store").resolve().parent
    assert layout.load(gen) is not None
    trig = gen / "policygraph.trig"
    data = bytearray(trig.read_bytes())
    data[-2:-1] = b"#"
    trig.write_bytes(bytes(data))
    assert layout.load(gen) is None
    (folder / "b.txt").write_text(text, encoding="utf-8")
    opened.clear()
    pg.build([folder], out, views=False)
    assert len(opened) > 12  # every chunk again
    clean2 = tmp_path / "clean2"
    pg.build([folder], clean2, views=False)
    assert_same_build(out, clean2)


def test_a_clean_build_leaves_its_store_compacted(seed_build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The bulk loader leaves many overlapping sorted files; the build compacts them
    (``Store.optimize``), or every query and the next update pay for it. Compacting a copy
    of the built store again must change no file."""
    import pyoxigraph as ox

    copy = tmp_path / "copy"
    ox.Store.read_only(str(seed_build.out / "store")).backup(str(copy))

    def tables() -> list[str]:
        return sorted(p.name for p in copy.iterdir() if p.suffix == ".sst")

    before = tables()
    store = ox.Store(str(copy))
    store.optimize()
    del store
    assert tables() == before
