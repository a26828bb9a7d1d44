"""``evaluate``: precision, recall and F1 per class against hand-written gold annotations.

Gold format (YAML; paths relative to the gold file)::

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

Entities match when their keys match (quotes and title brackets ignored, widths folded).
A target or statistic *matches* when its value, unit and year agree and one indicator
contains the other; it is *exactly right* when comparator and owning policy agree too
(``Target (exact)`` and ``Statistic (exact)`` rows).
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
from policygraph.extract.base import entity_key, fold
from policygraph.graph.builder import Extraction
from policygraph.model import ArticleFact, EntityMention, Measure, QuoteFact
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
        lines = [f"{'class':<18} {'gold':>5} {'found':>5} {'P':>6} {'R':>6} {'F1':>6}"]
        for name, s in self.scores.items():
            p, f1 = (f"{s.precision:>6.3f}", f"{s.f1:>6.3f}") if self.complete else ("   n/a",) * 2
            lines.append(f"{name:<18} {s.tp + s.fn:>5} {s.tp + s.fp:>5} {p} {s.recall:>6.3f} {f1}")
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


def evaluate(gold_path: Path) -> Report:
    gold = _load(gold_path)
    folder = (gold_path.parent / str(gold.get("input", "."))).resolve()
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
            _score(scores.setdefault(cls, Score()), gold_keys, predicted.get(cls, set()))
        for kind, key in (("Target", "targets"), ("Statistic", "statistics")):
            if key not in entry:
                continue
            gold_m = [_gold_measure(m, gold_path) for m in entry[key] or []]
            found = [
                _found_measure(f) for f in ex.facts if isinstance(f, Measure) and f.kind == kind
            ]
            _score_measures(scores.setdefault(kind, Score()), gold_m, found, exact=False)
            _score_measures(
                scores.setdefault(f"{kind} (exact)", Score()), gold_m, found, exact=True
            )
    return Report(dict(sorted(scores.items())), complete=bool(gold.get("complete", True)))


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


def _predicted_entities(ex: Extraction) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in ex.facts:
        if isinstance(f, EntityMention):
            out.setdefault(f.ref.cls, set()).add(f.ref.key)
        elif isinstance(f, ArticleFact) and f.title:
            out.setdefault("Article", set()).add(entity_key(f.title))
        elif isinstance(f, QuoteFact):
            out.setdefault("Quote", set()).add(entity_key(f.text[:12]))
    return out


def _score(score: Score, gold: set[str], found: set[str]) -> None:
    score.tp += len(gold & found)
    score.fn += len(gold - found)
    score.fp += len(found - gold)
    score.missed += sorted(gold - found)
    score.spurious += sorted(found - gold)


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
