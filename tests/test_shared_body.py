"""The Turtle of the shared lines, made again by subject (store/shared.py ``body_update``),
is the Turtle written whole: for lines and subjects added, changed and removed anywhere."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import policygraph as pg
from conftest import assert_same_build, small_corpus
from policygraph.pipeline.cache import extractor_version
from policygraph.store import incremental
from policygraph.store import shared as body_of
from policygraph.store import state as reduce_state

ORG = "https://w3id.org/policygraph/id/org/"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@pytest.fixture(scope="module")
def shared_lines(seed_build) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The lines the seed build wrote once at the head of its Turtle."""
    gen = (seed_build.out / ".policygraph" / "current").resolve()
    version = extractor_version()
    st = reduce_state.load(gen, version, incremental.recorded(gen, version))
    assert st is not None
    lines = list(st.shared_body.lines)
    assert len(lines) > 100 and len({body_of._subject(line) for line in lines}) > 20
    return lines


def _new_line(rng: random.Random, subjects: list[bytes]) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:  # a new subject, sorting anywhere
        name = "".join(rng.choice("abcxyz09组织") for _ in range(rng.randint(1, 6)))
        subject = f"<{ORG}{name}>".encode()
    else:  # another triple of a subject there is
        subject = rng.choice(subjects)
    if kind == 1:
        return subject + f" {TYPE} <https://w3id.org/policygraph/ontology#Place> .\n".encode()
    text = "".join(rng.choice('新名"\\\n称x') for _ in range(rng.randint(1, 5)))
    literal = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return subject + f' {LABEL} "{literal}"@zh .\n'.encode()


@pytest.mark.parametrize("seed", range(40))
def test_by_subject_equals_whole(shared_lines: list[bytes], seed: int) -> None:
    rng = random.Random(seed)
    old = body_of.body(shared_lines)
    assert old.subjects == tuple(sorted({body_of._subject(line) for line in shared_lines}))
    lines = set(shared_lines)
    subjects = list(old.subjects)
    for _ in range(rng.choice((1, 2, 5, 30))):
        what = rng.randrange(3)
        if what == 0 and lines:  # a line goes
            lines.discard(rng.choice(sorted(lines)))
        elif what == 1:  # a subject goes, all its lines
            gone = rng.choice(subjects)
            lines = {line for line in lines if body_of._subject(line) != gone}
        else:
            lines.add(_new_line(rng, subjects))
    new = sorted(lines)
    assert body_of.body_update(new, old) == body_of.body(new)


def test_unchanged_lines_give_the_same_body(shared_lines: list[bytes]) -> None:
    old = body_of.body(shared_lines)
    assert body_of.body_update(list(shared_lines), old) is old


def test_blank_nodes_and_a_first_build_are_written_whole(shared_lines: list[bytes]) -> None:
    old = body_of.body(shared_lines)
    blank = b"_:b1 " + LABEL.encode() + b' "x" .\n'
    new = sorted([*shared_lines, blank])
    assert body_of.body_update(new, old) == body_of.body(new)
    assert body_of.body_update(shared_lines, body_of.Body()) == old
    assert body_of.body_update([], old) == body_of.body([])


def test_the_file_is_the_same_after_updates(tmp_path: Path) -> None:
    """End to end, the head of policygraph.ttl after an update that changes shared lines
    (tests/test_incremental.py checks whole builds the same way)."""
    folder = small_corpus(tmp_path, "a.txt")
    out = tmp_path / "out"
    pg.build([folder], out, views=False)
    (folder / "c.txt").write_text(
        "关于支持农业发展的通知\n农业农村部\n2026年2月1日\n财政部、国家统计局和教育部协同推进。\n",
        encoding="utf-8",
    )
    pg.build([folder], out, views=False)
    pg.build([folder], tmp_path / "clean", views=False)
    assert_same_build(out, tmp_path / "clean")
