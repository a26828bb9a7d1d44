"""``evaluate``: precision, recall and F1 per class against hand-written gold annotations.

Gold format (YAML; paths relative to the gold file; ``input`` can be overridden by
``evaluate(..., input_dir=...)`` / ``policygraph evaluate --input DIR``)::

    input: ../seeds                 # folder (with its manifest.yaml) the documents are in
    complete: true                  # false: the gold lists only some facts, so only
                                    # recall is meaningful (precision is reported as n/a)
    documents:
      - file: 000_c4ec37985887901a.txt
        entities:                   # class → canonical labels (any surface form is fine:
          Policy: [国务院关于深入实施“人工智能+”行动的意见]   # matched by entity key)
          Person: [刘晖, 任晓刚, 习近平]
        targets:
          - {indicator: 新一代智能终端、智能体等应用普及率, comparator: ">", value: 70,
             unit: "%", year: 2027, policy: 国务院关于深入实施“人工智能+”行动的意见}
        statistics:
          - {indicator: 常住人口城镇化率, comparator: "=", value: 67, unit: "%", year: 2024}
        articles:                   # newspaper articles: title, authors, affiliations
          - {title: 人工智能赋能新质生产力的路径指引, authors: [刘晖, 任晓刚],
             affiliations: [北京市习近平新时代中国特色社会主义思想研究中心]}
        quotes:                     # text: the opening of the quotation; a field left
          - {text: 人工智能领域要占领先机, speaker: 习近平, date: 2025-04,   # out = none
             event: 二十届中央政治局第二十次集体学习}   # (also: policy, for excerpts)

Entities match when their keys match (quotes and title brackets ignored, widths folded);
a gold name also finds an entity that was written that way (金融 finds 金融业).
An article matches by title; its ``Article authors`` and ``Article affiliations`` rows count
it right only when the sets are equal. A quote matches when its gold ``text`` opens the
quotation found; ``Quote speaker`` / ``date`` / ``event`` / ``policy`` count it right only
when that field agrees, a field the gold leaves out meaning "none stated".
A target or statistic *matches* when its value, unit and year agree and one indicator
contains the other; it is *exactly right* when comparator and owning policy agree too
(``Target (exact)`` and ``Statistic (exact)`` rows). A document without a ``targets`` (or
``statistics``) key is not scored for them; an empty list means "none here".

A document whose gold covers only some sections lists them under ``scope``; targets and
statistics found outside every scoped range are then not scored (entities still are)::

      - file: gwr_2018.txt
        scope:
          - 今年发展主要预期目标是          # the paragraph (line) holding this text
          - {from: 一、过去五年工作回顾, to: 二、2018年经济社会发展}   # from the line
                                             # holding one text to the end of the line
                                             # holding the other, both included
        targets: [...]

Each anchor must occur exactly once in the document, so a scope cannot silently drift.

A top-level ``series:`` scores an indicator's target, outcome and attainment by year across the
documents (format: ``evaluate_series.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from policygraph.errors import InputError
from policygraph.extract import run as run_pipeline
from policygraph.extract.base import entity_key, fold, policy_key
from policygraph.model import ArticleFact, Attribute, EntityMention, Measure, QuoteFact, Relation
from policygraph.rdf.builder import Extraction
from policygraph.text.loader import find_sources, load_document

#: Classes a gold file may list under ``entities``.
ENTITY_CLASSES = (
    "Article", "Event", "Industry", "Organization", "Person", "Place", "Policy", "Quote",
    "Technology", "Year",
)  # fmt: skip


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Report:
    scores: dict[str, Score]
    complete: bool = True

    def to_table(self) -> str:
        lines = [f"{'class':<20} {'gold':>5} {'found':>5} {'P':>6} {'R':>6} {'F1':>6}"]
        for name, s in self.scores.items():
            p, f1 = (f"{s.precision:>6.3f}", f"{s.f1:>6.3f}") if self.complete else ("   n/a",) * 2
            lines.append(f"{name:<20} {s.tp + s.fn:>5} {s.tp + s.fp:>5} {p} {s.recall:>6.3f} {f1}")
        if not self.complete:
            lines.append("(partial gold: it lists only some facts, so precision is not measured)")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        data = {
            name: {
                "gold": s.tp + s.fn,
                "found": s.tp + s.fp,
                "tp": s.tp,
                "precision": round(s.precision, 4) if self.complete else None,
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4) if self.complete else None,
                "missed": s.missed,
                "spurious": s.spurious if self.complete else [],
            }
            for name, s in self.scores.items()
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True, slots=True)
class _Measure:
    indicator: str
    comparator: str
    value: Decimal
    unit: str | None
    year: int | None
    policy: str | None

    def matches(self, other: _Measure) -> bool:
        a, b = fold(self.indicator), fold(other.indicator)
        return (
            self.value == other.value
            and self.unit == other.unit
            and self.year == other.year
            and (a in b or b in a)
        )

    def exact(self, other: _Measure) -> bool:
        return (
            self.matches(other)
            and self.comparator == other.comparator
            and (self.policy == other.policy)
        )

    def __str__(self) -> str:
        return f"{self.indicator} {self.comparator}{self.value}{self.unit or ''} ({self.year})"


def evaluate(gold_path: Path, input_dir: Path | None = None) -> Report:
    """Score the extraction of the gold's documents. ``input_dir`` overrides the gold's
    ``input`` folder (a corpus unpacked somewhere other than where the gold expects it)."""
    gold = _load(gold_path)
    if input_dir is not None:
        folder = input_dir.resolve()
    else:
        folder = (gold_path.parent / str(gold.get("input", "."))).resolve()
    if not folder.is_dir():
        raise InputError(f"{gold_path}: input folder {folder} not found (see input_dir=)")
    wanted = {str(d["file"]): d for d in gold["documents"]}
    sources = [s for s in find_sources([folder]) if s.name in wanted]
    missing = sorted(set(wanted) - {s.name for s in sources})
    if missing:
        raise InputError(f"{gold_path}: documents not found in {folder}: {', '.join(missing)}")
    extractions = [Extraction(d, tuple(run_pipeline(d))) for d in map(load_document, sources)]
    scores: dict[str, Score] = {}
    for ex in extractions:
        entry = wanted[ex.doc.path]
        predicted = _predicted_entities(ex)
        for cls, names in sorted((entry.get("entities") or {}).items()):
            if cls not in ENTITY_CLASSES:
                raise InputError(
                    f"{gold_path}: {ex.doc.path}: unknown class '{cls}'; "
                    f"use one of {', '.join(ENTITY_CLASSES)}"
                )
            gold_keys = {entity_key(str(n)) for n in names}
            _score(scores.setdefault(cls, Score()), gold_keys, predicted.get(cls, {}))
        for kind, key in (("Target", "targets"), ("Statistic", "statistics")):
            if key not in entry:
                continue
            gold_m = [_gold_measure(m, gold_path) for m in entry[key] or []]
            ranges = _scope(entry.get("scope"), ex.doc.text, f"{gold_path}: {ex.doc.path}")
            found = [
                _found_measure(f)
                for f in ex.facts
                if isinstance(f, Measure)
                and f.kind == kind
                and (ranges is None or any(a <= f.mention.start < b for a, b in ranges))
            ]
            _score_measures(scores.setdefault(kind, Score()), gold_m, found, exact=False)
            _score_measures(
                scores.setdefault(f"{kind} (exact)", Score()), gold_m, found, exact=True
            )
        if "articles" in entry:
            _score_articles(scores, entry["articles"] or [], ex, gold_path)
        if "quotes" in entry:
            _score_quotes(scores, entry["quotes"] or [], ex, gold_path)
        if "lineage" in entry:
            _score_lineage(scores, entry["lineage"] or {}, ex, gold_path)
    if "series" in gold:  # an indicator's series across the documents (evaluate_series.py)
        from policygraph.evaluate.series import score_series

        score_series(scores, gold["series"], extractions, gold_path, _check)
    return Report(dict(sorted(scores.items())), complete=bool(gold.get("complete", True)))


def _keys(names: Any) -> frozenset[str]:
    return frozenset(entity_key(str(n)) for n in names or [])


def _check(score: Score, label: str, gold: object, found: object) -> None:
    """One attribute of a matched item: right (tp), or missed (fn) and, when something else
    was found instead, also spurious (fp)."""
    if gold == found:
        score.tp += 1
        return
    score.fn += 1
    score.missed.append(f"{label}: {gold}")
    if found:
        score.fp += 1
        score.spurious.append(f"{label}: {found}")


def _score_articles(
    scores: dict[str, Score], gold: list[dict[str, Any]], ex: Extraction, path: Path
) -> None:
    """Articles match by title key; authors and affiliations must then be the same sets."""
    found = {entity_key(f.title): f for f in ex.facts if isinstance(f, ArticleFact) and f.title}
    rows = [scores.setdefault(n, Score()) for n in ("Article", "Article authors",
                                                  "Article affiliations")]  # fmt: skip
    wanted: set[str] = set()
    for item in gold:
        if not isinstance(item, dict) or not item.get("title"):
            raise InputError(f"{path}: {ex.doc.path}: an article needs a 'title': {item}")
        key = entity_key(str(item["title"]))
        wanted.add(key)
        hit = found.get(key)
        authors = _keys(item.get("authors"))
        affiliations = _keys(item.get("affiliations"))
        if hit is None:
            rows[0].fn += 1
            rows[0].missed.append(key)
            for row, want in ((rows[1], authors), (rows[2], affiliations)):
                _check(row, key, sorted(want), None)
            continue
        rows[0].tp += 1
        got_authors = frozenset(a.ref.key for a in hit.authors)
        got_affiliations = frozenset(a.ref.key for a in hit.affiliations)
        _check(rows[1], key, sorted(authors), sorted(got_authors))
        _check(rows[2], key, sorted(affiliations), sorted(got_affiliations))
    extra = sorted(set(found) - wanted)
    rows[0].fp += len(extra)
    rows[0].spurious += extra


#: Relations between policies that ``lineage:`` gold scores, one row each.
LINEAGE_RELATIONS = ("legalBasis", "implements", "amends", "repeals", "inForceFrom")


def _score_lineage(
    scores: dict[str, Score], gold: dict[str, Any], ex: Extraction, path: Path
) -> None:
    """The document's own lineage: for each relation, the set of policies (by work key,
    :func:`policy_key`) it names, or for ``inForceFrom`` its date. A relation the gold
    leaves out means "none stated"; ``cites`` is not scored (every other title)."""
    if not isinstance(gold, dict) or set(gold) - set(LINEAGE_RELATIONS):
        raise InputError(
            f"{path}: {ex.doc.path}: lineage takes a mapping of {', '.join(LINEAGE_RELATIONS)}"
        )
    own = policy_key(ex.doc.meta.title)
    for name in LINEAGE_RELATIONS:
        if name == "inForceFrom":
            want = {str(gold[name])} if gold.get(name) else set()
            got = {f.value for f in ex.facts if isinstance(f, Attribute) and f.predicate == name}
        else:
            want = {policy_key(str(t)) for t in gold.get(name) or []}
            got = {
                f.object.key
                for f in ex.facts
                if isinstance(f, Relation) and f.predicate == name and f.subject.key == own
            }
        _score(scores.setdefault(name, Score()), want, {k: {k} for k in got})


_QUOTE_FIELDS = ("speaker", "date", "event", "policy")


def _score_quotes(
    scores: dict[str, Score], gold: list[dict[str, Any]], ex: Extraction, path: Path
) -> None:
    """Quotes match when the gold ``text`` opens the found quotation (widths folded, spaces
    and line breaks ignored); then each of speaker, date, event and policy must agree, where
    a field the gold leaves out means "none stated"."""
    found = [f for f in ex.facts if isinstance(f, QuoteFact)]
    unused = list(found)
    row = scores.setdefault("Quote", Score())
    for item in gold:
        if not isinstance(item, dict) or not item.get("text"):
            raise InputError(f"{path}: {ex.doc.path}: a quote needs a 'text': {item}")
        opening = _squash(str(item["text"]))
        hit = next((f for f in unused if _squash(f.text).startswith(opening)), None)
        want = {
            "speaker": entity_key(str(item["speaker"])) if item.get("speaker") else None,
            "date": str(item["date"]) if item.get("date") else None,
            "event": entity_key(str(item["event"])) if item.get("event") else None,
            "policy": entity_key(str(item["policy"])) if item.get("policy") else None,
        }
        if hit is None:
            row.fn += 1
            row.missed.append(opening)
            for name in _QUOTE_FIELDS:  # nothing about a quote not found is right
                field_row = scores.setdefault(f"Quote {name}", Score())
                field_row.fn += 1
                field_row.missed.append(f"{opening}: {want[name]}")
            continue
        row.tp += 1
        unused.remove(hit)
        got = {
            "speaker": hit.speaker.ref.key if hit.speaker else None,
            "date": hit.date,
            "event": hit.event.ref.key if hit.event else None,
            "policy": hit.policy.ref.key if hit.policy else None,
        }
        for name in _QUOTE_FIELDS:
            _check(scores.setdefault(f"Quote {name}", Score()), opening, want[name], got[name])
    row.fp += len(unused)
    row.spurious += [_squash(f.text)[:16] for f in unused]


_HALF_PUNCT = str.maketrans(",;:!?", "，；：！？")


def _squash(text: str) -> str:
    """A quotation compared as read: one width of punctuation, no spaces or line breaks."""
    return "".join(fold(text).translate(_HALF_PUNCT).split())


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise InputError(f"{path}:{where} {e.problem or e}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as e:
        raise InputError(f"{path}: cannot read gold annotations: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise InputError(f"{path}: expected a mapping with a 'documents' list")
    return data


def _predicted_entities(ex: Extraction) -> dict[str, dict[str, set[str]]]:
    """Class → entity key → the keys of every form it was written in (its altLabels)."""
    out: dict[str, dict[str, set[str]]] = {}

    def add(cls: str, key: str, form: str) -> None:
        out.setdefault(cls, {}).setdefault(key, {key}).add(entity_key(form))

    for f in ex.facts:
        if isinstance(f, EntityMention):
            add(f.ref.cls, f.ref.key, f.mention.form if f.alias else f.ref.key)
        elif isinstance(f, ArticleFact) and f.title:
            add("Article", entity_key(f.title), f.title)
        elif isinstance(f, QuoteFact):
            add("Quote", entity_key(f.text[:12]), f.text[:12])
    return out


def _score(score: Score, gold: set[str], found: dict[str, set[str]]) -> None:
    """A gold name finds the entity with that key or with that form among its labels
    (金融 finds 金融业 written 金融), so gold may name things as the text does."""
    hit: set[str] = set()
    for g in sorted(gold):
        key = g if g in found else next((k for k in sorted(found) if g in found[k]), None)
        if key is None or key in hit:
            score.fn += 1
            score.missed.append(g)
        else:
            score.tp += 1
            hit.add(key)
    extra = sorted(set(found) - hit)
    score.fp += len(extra)
    score.spurious += extra


def _gold_measure(m: dict[str, Any], path: Path) -> _Measure:
    try:
        value = Decimal(str(m["value"]))
    except (KeyError, InvalidOperation):
        raise InputError(f"{path}: measure without a numeric value: {m}") from None
    return _Measure(
        indicator=str(m.get("indicator", "")),
        comparator=str(m.get("comparator", "=")),
        value=value,
        unit=m.get("unit"),
        year=int(m["year"]) if m.get("year") is not None else None,
        policy=entity_key(str(m["policy"])) if m.get("policy") else None,
    )


def _scope(scope: Any, text: str, where: str) -> list[tuple[int, int]] | None:
    """The character ranges a ``scope`` list covers (whole lines), or None without one."""
    if scope is None:
        return None
    if not isinstance(scope, list):
        raise InputError(f"{where}: 'scope' must be a list of anchors or {{from, to}} pairs")
    ranges = []
    for item in scope:
        first, last = (item.get("from"), item.get("to")) if isinstance(item, dict) else (item, item)
        a = _line_of(text, first, where)[0]
        b = _line_of(text, last, where)[1]
        if b <= a:
            raise InputError(f"{where}: scope {item!r} ends before it starts")
        ranges.append((a, b))
    return ranges


def _line_of(text: str, anchor: object, where: str) -> tuple[int, int]:
    if not isinstance(anchor, str) or not anchor:
        raise InputError(f"{where}: scope anchor {anchor!r} is not a text")
    at = text.find(anchor)
    if at < 0 or text.find(anchor, at + 1) >= 0:
        found = "not found" if at < 0 else "found more than once"
        raise InputError(f"{where}: scope anchor {anchor!r} {found}; quote a longer passage")
    end = text.find("\n", at)
    return text.rfind("\n", 0, at) + 1, len(text) if end < 0 else end


def _found_measure(f: Measure) -> _Measure:
    return _Measure(
        f.indicator, f.comparator, f.value, f.unit, f.year, f.policy.key if f.policy else None
    )


def _score_measures(
    score: Score, gold: Iterable[_Measure], found: list[_Measure], *, exact: bool
) -> None:
    unused = list(found)
    for g in gold:
        hit = next((f for f in unused if (g.exact(f) if exact else g.matches(f))), None)
        if hit is None:
            score.fn += 1
            score.missed.append(str(g))
        else:
            score.tp += 1
            unused.remove(hit)
    score.fp += len(unused)
    score.spurious += [str(f) for f in unused]
