"""The cue-word lists of ``data/measures.txt``, loaded once and sorted longest first."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from policygraph.rules.wordlists import load
from policygraph.rules.wordlists import words as words_of


@dataclass(frozen=True, slots=True)
class MeasureWords:
    """The word lists of ``data/measures.txt``."""

    target_cues: tuple[str, ...]
    forecast_cues: tuple[str, ...]
    projection_cues: tuple[str, ...]
    not_cues: tuple[str, ...]
    clause_cues: tuple[str, ...]
    current_cues: tuple[str, ...]
    statistic_cues: tuple[str, ...]
    list_leads: tuple[str, ...]
    skip: tuple[str, ...]
    deadline_before: tuple[str, ...]
    leading: tuple[str, ...]
    trailing: tuple[str, ...]
    lead_verbs: tuple[str, ...]
    count_units: tuple[str, ...]
    inherit: tuple[str, ...]
    change_words: tuple[str, ...]


_SECTIONS = (
    "target-cues",
    "forecast-cues",
    "projection-cues",
    "not-cues",
    "clause-cues",
    "current-cues",
    "statistic-cues",
    "list-leads",
    "skip",
    "deadline-before",
    "leading",
    "trailing",
    "lead-verbs",
    "count-units",
    "inherit",
    "change-words",
)


@cache
def words() -> MeasureWords:
    sections = load("measures.txt", single=_SECTIONS)

    def section(name: str) -> tuple[str, ...]:
        return tuple(sorted(words_of(sections, name), key=lambda w: (-len(w), w)))

    return MeasureWords(
        target_cues=section("target-cues"),
        forecast_cues=section("forecast-cues"),
        projection_cues=section("projection-cues"),
        not_cues=section("not-cues"),
        clause_cues=section("clause-cues"),
        current_cues=section("current-cues"),
        statistic_cues=section("statistic-cues"),
        list_leads=section("list-leads"),
        skip=section("skip"),
        deadline_before=section("deadline-before"),
        leading=section("leading"),
        trailing=section("trailing"),
        lead_verbs=section("lead-verbs"),
        count_units=section("count-units"),
        inherit=section("inherit"),
        change_words=section("change-words"),
    )
