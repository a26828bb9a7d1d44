"""The reduce kept between builds, so that an update reads what changed, not the corpus.

A build reduces every document to corpus-level results: the merged summaries (label votes,
shared entities, policies: resolve/summary.py), the union of the chunks' shared lines and
the counts of the summary (store/chunks.py). Each is a sum over documents, so it is kept
with *invertible* counts (how many documents give each vote, entity, policy id, shared
line), and the next build subtracts the documents that left and adds those that came
instead of reading 3,121 cache headers and chunk files again. It also keeps each
corpus-level graph's lines and TriG block (ontology, vocabularies, labels, lineage,
outcomes, the user's graphs) and the Turtle of the shared lines, which an update reuses
when they did not change instead of dumping and serializing them again.

The state is a file of the generation (:data:`STATE`), written with its other outputs and
published with them in one step, so it always describes the generation it sits in. It is
trusted only when it is whole and consistent: the digest of its bytes matches, it was
written by this extractor version and format, and it names exactly the documents and cache
keys of the generation's ``graphs.json``. Anything else (missing, damaged, stale, from
another version) and the build reduces from the cache headers and chunks as a clean build
does, and writes a new state.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from policygraph.model import EntityRef
from policygraph.resolve.summary import Summary
from policygraph.store import chunks
from policygraph.store.chunks import Stored
from policygraph.store.shared import Body

log = logging.getLogger(__name__)

#: The state file in a generation folder.
STATE = "reduce.state"
#: Magic and format; then the sha256 of the payload, then the payload (a pickle).
_MAGIC = b"PGSTATE4"
_DIGEST = 32


@dataclass(slots=True)
class Part:
    """What one document adds to the reduce: its summary, the shared lines of its chunk
    and the counts of its own part of the Turtle (``local`` triples, nodes by class)."""

    summary: Summary
    shared: list[bytes]
    local: int
    types: dict[str, int]


@dataclass(slots=True)
class State:
    """The reduce of a corpus with invertible counts (see the module's docstring)."""

    version: str
    #: cache key → document id of every document in the graph
    docs: dict[str, str] = field(default_factory=dict)
    #: cache key → size of its chunk file, as the build read it
    sizes: dict[str, int] = field(default_factory=dict)
    # (plain dicts of counts, not Counters: 11,000 Counters took most of the pickling,
    # a C loop over dicts holding the GIL that the build's main thread waits for)
    votes: dict[EntityRef, dict[str, int]] = field(default_factory=dict)
    entities: Counter[EntityRef] = field(default_factory=Counter)
    policies: dict[EntityRef, dict[str, int]] = field(default_factory=dict)
    shared: Counter[bytes] = field(default_factory=Counter)
    local: int = 0
    types: Counter[str] = field(default_factory=Counter)
    #: class IRI → the distinct shared lines that give a node that class (its nodes there)
    shared_types: Counter[str] = field(default_factory=Counter)
    #: corpus-level graph name → (its sorted distinct N-Triples lines, its TriG block)
    others: dict[str, tuple[list[bytes], bytes]] = field(default_factory=dict)
    #: shared entity → its line of the labels graph
    labels: dict[EntityRef, bytes] = field(default_factory=dict)
    #: the shared lines written once in the Turtle, and their Turtle
    shared_body: Body = field(default_factory=Body)
    #: shared line that names a document's own node → whether a document owns it
    #: (store/chunks.py ``not_owned``), as the files of this state's generation have it
    owned: dict[bytes, bool] = field(default_factory=dict)

    def add(self, key: str, doc_id: str, part: Part, size: int) -> None:
        self.docs[key] = doc_id
        self.sizes[key] = size
        self._apply(part, 1)

    def remove(self, key: str, part: Part) -> None:
        del self.docs[key]
        self.sizes.pop(key, None)
        self._apply(part, -1)

    def _apply(self, part: Part, sign: int) -> None:
        s = part.summary
        for ref, counts in s.votes.items():
            mine = self.votes.setdefault(ref, {})
            for label, n in counts.items():
                _bump(mine, label, sign * n)
            if not mine:
                del self.votes[ref]
        for ref in s.entities:
            _bump(self.entities, ref, sign)
        for policy, doc_id in s.policies.items():
            ids = self.policies.setdefault(policy, {})
            _bump(ids, doc_id, sign)
            if not ids:
                del self.policies[policy]
        for line in part.shared:
            had = line in self.shared
            _bump(self.shared, line, sign)
            if had != (line in self.shared):  # the line came into the union or left it
                cls = chunks.type_of(line)
                if cls is not None:
                    _bump(self.shared_types, cls, -1 if had else 1)
        self.local += sign * part.local
        for cls, n in part.types.items():
            _bump(self.types, cls, sign * n)

    def summary(self) -> Summary:
        """The merged summary, equal to :func:`~policygraph.resolve.summary.merge_all`
        of the documents' summaries."""
        return Summary(
            {ref: dict(c) for ref, c in self.votes.items()},
            frozenset(self.entities),
            {policy: min(ids) for policy, ids in self.policies.items()},
        )

    def shared_lines(self) -> set[bytes]:
        return set(self.shared)

    # Pickled with each shared entity once, as ``(class, key)``, and the tables by its
    # index: equal entities from different documents' headers are different objects, and
    # pickling each (a frozen dataclass) took most of the 0.4 s of saving and loading.
    def __getstate__(self) -> dict[str, object]:
        refs = sorted({*self.votes, *self.entities, *self.policies, *self.labels}, key=_order)
        index = {ref: i for i, ref in enumerate(refs)}
        state = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        state["refs"] = [(ref.cls, ref.key) for ref in refs]
        for name in ("votes", "entities", "policies", "labels"):
            state[name] = {index[ref]: value for ref, value in getattr(self, name).items()}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        refs = [EntityRef(c, k) for c, k in state.pop("refs")]  # type: ignore[attr-defined]
        for name in ("votes", "entities", "policies", "labels"):
            table = {refs[i]: value for i, value in state[name].items()}  # type: ignore[attr-defined]
            state[name] = Counter(table) if name == "entities" else table
        for name, value in state.items():
            object.__setattr__(self, name, value)


def _order(ref: EntityRef) -> tuple[str, str]:
    return ref.cls, ref.key


def _bump(counter: dict, item: object, n: int) -> None:  # type: ignore[type-arg]
    value = counter.get(item, 0) + n
    if value < 0:
        raise ValueError("a count below zero: the state does not match the documents")
    if value:
        counter[item] = value
    else:
        counter.pop(item, None)


def save(gen: Path, state: State) -> None:
    """Write ``state`` into the generation folder ``gen`` (atomically)."""
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = gen / f".{STATE}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
    os.replace(tmp, gen / STATE)


def load(gen: Path, version: str, graphs: dict[str, str] | None) -> State | None:
    """The state of generation ``gen`` when it is whole, of this extractor ``version``
    and names exactly the ``graphs`` (graph IRI → key) its ``graphs.json`` records;
    else None (and the build reduces from the cache)."""
    if graphs is None:
        return None
    try:
        data = (gen / STATE).read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST
    if not data.startswith(_MAGIC) or len(data) < head:
        log.info("%s: not a reduce state; reducing from the cache", gen / STATE)
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[len(_MAGIC) : head]:
        log.info("%s: damaged; reducing from the cache", gen / STATE)
        return None
    try:
        state = pickle.loads(payload)
    except Exception:  # a pickle of another layout: never trusted
        return None
    if not isinstance(state, State) or state.version != version:
        return None
    if sorted(state.docs) != sorted(graphs.values()) or len(state.sizes) != len(state.docs):
        log.info("%s: stale (other documents than graphs.json); reducing again", gen / STATE)
        return None
    return state


def fresh(version: str, parts: Iterable[tuple[str, str, Part, int]]) -> State:
    """The state of the documents ``(key, doc id, part, chunk size)``."""
    state = State(version)
    for key, doc_id, part, size in parts:
        state.add(key, doc_id, part, size)
    return state


def chunk_spans(f: IO[bytes], path: Path) -> Stored | None:
    """The sections of the chunk file open as ``f`` (at its start), or None when it is
    not whole (:func:`policygraph.store.chunks.spans`)."""
    return chunks.spans(f, path)


def read_chunk(path: Path) -> tuple[Stored, bytes, bytes] | None:
    """The sections of the chunk file at ``path`` with its shared lines and counts (the
    last two sections), in one open; None when it is missing or not whole."""
    try:
        with open(path, "rb") as f:
            stored = chunk_spans(f, path)
            if stored is None:
                return None
            f.seek(stored.shared[0])
            tail = f.read(stored.shared[1] + stored.counts[1])
    except OSError:
        return None
    return stored, tail[: stored.shared[1]], tail[stored.shared[1] :]


def part_of(summary: Summary, shared: bytes, counts: bytes) -> Part:
    """A document's :class:`Part` from its summary and its chunk's last two sections."""
    data = json.loads(counts)
    types = {str(c): int(n) for c, n in data["types"].items()}
    return Part(summary, shared.splitlines(keepends=True), int(data["local"]), types)
