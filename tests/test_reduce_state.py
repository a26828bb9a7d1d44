"""The reduce kept between builds (graph/state.py): an update adds and subtracts the
documents that moved, and a state that is damaged, stale or of another version is never
trusted: the build reduces from the cache again and gives the bytes of a clean build."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

import policygraph as pg
from conftest import SMALL_DOCUMENTS, small_corpus
from policygraph.pipeline.cache import ExtractionCache, extractor_version
from policygraph.resolve.summary import merge_all
from policygraph.store import state as reduce_state
from policygraph.store.incremental import recorded
from policygraph.store.outputs import OutputFolder

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FILES = ("policygraph.ttl", "policygraph.trig")


def _corpus(tmp_path: Path) -> Path:
    return small_corpus(tmp_path, "a.txt")


def _gen(out: Path) -> Path:
    return (out / ".policygraph" / "current").resolve()


def _read(gen: Path) -> reduce_state.State | None:
    return reduce_state.load(gen, extractor_version(), recorded(gen, extractor_version()))


def _load(out: Path) -> reduce_state.State | None:
    return _read(_gen(out))


def _same_as_clean(folder: Path, out: Path, clean: Path) -> None:
    pg.build([folder], clean, views=False)
    for name in FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def _change(folder: Path) -> None:
    (folder / "b.txt").write_text(SMALL_DOCUMENTS["b.txt"], encoding="utf-8")
    (folder / "a.txt").unlink()


def test_the_state_is_the_merge_of_the_documents(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    _change(folder)
    pg.build([folder], out, views=False)  # an update: the state was added to, subtracted from
    st = _load(out)
    assert st is not None
    cache = ExtractionCache(out / ".policygraph" / "cache")
    headers = [cache.header(key) for key in st.docs]
    assert all(h is not None for h in headers)
    assert st.summary() == merge_all(h.summary() for h in headers)  # type: ignore[union-attr]
    assert sorted(st.docs.values()) == sorted(h.doc_id for h in headers)  # type: ignore[union-attr]
    # the nodes of each class in the shared lines: the subjects their type lines name
    subjects: dict[str, set[bytes]] = {}
    for line in st.shared:
        at = line.find(b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <")
        if at > 0:
            subjects.setdefault(line[at + 52 : line.rindex(b">")].decode(), set()).add(line[:at])
    assert subjects and st.shared_types == {c: len(s) for c, s in subjects.items()}
    _same_as_clean(folder, out, tmp_path / "clean")


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))


def _stale(path: Path) -> None:
    """A whole state (its digest right) that names other documents than graphs.json."""
    st = _read(path.parent)
    assert st is not None
    key = next(iter(st.docs))
    del st.docs[key]
    del st.sizes[key]
    reduce_state.save(path.parent, st)


def _lying(path: Path) -> None:
    """A whole state of the same documents whose counts are wrong: the counts below zero
    that it gives when a document leaves are caught, and the reduce made again."""
    st = _read(path.parent)
    assert st is not None
    st.votes.clear()
    st.entities.clear()
    st.shared.clear()
    reduce_state.save(path.parent, st)


def _other_version(path: Path) -> None:
    st = pickle.loads(path.read_bytes()[40:])
    st.version = "0" * 64
    reduce_state.save(path.parent, st)


@pytest.mark.parametrize(
    "spoil",
    [_damage, _stale, _other_version, _lying, lambda p: p.unlink(), lambda p: p.write_bytes(b"")],
    ids=["damaged", "stale", "other-version", "wrong-counts", "missing", "empty"],
)
def test_a_bad_state_is_never_trusted(tmp_path: Path, spoil, caplog) -> None:  # type: ignore[no-untyped-def]
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    spoil(_gen(out) / reduce_state.STATE)
    if spoil is not _lying:
        assert _load(out) is None
    _change(folder)
    with caplog.at_level(logging.INFO, logger="policygraph"):
        pg.build([folder], out, views=False)
    _same_as_clean(folder, out, tmp_path / "clean")
    assert _load(out) is not None  # made again, whole


def test_an_update_after_a_lost_cache_entry_reduces_again(tmp_path: Path) -> None:
    """The documents that leave are subtracted with their cached summary and chunk; when
    the cache lost them, every document is reduced again."""
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    st = _load(out)
    assert st is not None
    leaving = next(k for k, d in st.docs.items() if d == "a")
    (out / ".policygraph" / "cache" / f"{leaving}.pkl").unlink()
    _change(folder)
    pg.build([folder], out, views=False)
    _same_as_clean(folder, out, tmp_path / "clean")


def test_a_lost_extraction_of_a_kept_document_is_made_again(tmp_path: Path) -> None:
    """A document the state holds whose extraction left the cache is extracted again (as
    any build does), and a later update that takes it out finds it there."""
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    st = _load(out)
    assert st is not None
    key = next(k for k, d in st.docs.items() if d == "a")
    (out / ".policygraph" / "cache" / f"{key}.pkl").unlink()
    again = pg.build([folder], out, views=False)
    assert again.extracted == 1
    assert (out / ".policygraph" / "cache" / f"{key}.pkl").is_file()
    _change(folder)
    pg.build([folder], out, views=False)
    _same_as_clean(folder, out, tmp_path / "clean")


def test_an_interrupted_update_keeps_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state is written into the new generation: a build that fails before publishing
    (here at the very last step) leaves the previous outputs and their state whole, and
    the next build completes the update."""
    folder = _corpus(tmp_path)
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    gen = _gen(out)
    before = (gen / reduce_state.STATE).read_bytes()
    _change(folder)

    def fail(*args: object) -> None:
        raise RuntimeError("killed")

    with monkeypatch.context() as m:
        m.setattr(OutputFolder, "publish", fail)
        with pytest.raises(RuntimeError):
            pg.build([folder], out, views=False)
    assert _gen(out) == gen
    assert (gen / reduce_state.STATE).read_bytes() == before
    pg.build([folder], out, views=False)
    _same_as_clean(folder, out, tmp_path / "clean")
