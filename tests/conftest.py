"""Shared fixtures: small in-memory documents and one build of the seeds per test session."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from policygraph.model import DocumentMeta
from policygraph.text.document import Document
from policygraph.text.layout import analyse

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def make_doc(
    text: str,
    *,
    date: str | None = "2025-11-01",
    kind: str = "newspaper",
    title: str = "测试文档",
    doc_id: str = "test",
) -> Document:
    """A Document built from a string, the way the loader builds one from a file."""
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=DocumentMeta(title=title, date=date, kind=kind),
        blocks=analyse(text).blocks,
    )


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The seeds built once into a temporary folder (store, Turtle, TriG, views)."""
    from policygraph.build import build

    out = tmp_path_factory.mktemp("exports")
    return build([SEEDS], out)
