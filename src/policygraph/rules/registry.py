"""The rule registry: every rule id that may fire, listed once in ``data/rules.txt`` with why
it fires. A fact whose rule is not listed is an error (:class:`~policygraph.errors.UnknownRule`),
and so is an id listed twice; code reads a rule's meaning from the match it made, never by
comparing rule strings."""

from __future__ import annotations

import re
from functools import cache

from policygraph.errors import UnknownRule
from policygraph.rules.wordlists import entry_error, parse_word_file, read_data

RULES_FILE = "rules.txt"
_ID = re.compile(r"[a-z]+\.[a-z][a-z-]*")


def parse_rules(text: str, *, name: str = RULES_FILE) -> dict[str, str]:
    """Rule id → why it fires, from a rules file; names the file and line of a bad entry."""
    rules: dict[str, str] = {}
    for entry in parse_word_file(text, name=name, rows=("rules",))["rules"]:
        rule, why = entry.words[0], " ".join(entry.words[1:])
        if not _ID.fullmatch(rule):
            raise entry_error(name, entry, f"{rule!r} is not a rule id (stage.name)")
        if rule in rules:
            raise entry_error(name, entry, f"rule {rule} is registered twice")
        rules[rule] = why
    return rules


@cache
def registry() -> dict[str, str]:
    return parse_rules(read_data(RULES_FILE))


def check(rule: str) -> str:
    """``rule`` itself when it is registered; :class:`UnknownRule` when not."""
    if rule not in registry():
        raise UnknownRule(f"rule {rule!r} is not registered in data/{RULES_FILE}")
    return rule


def why(rule: str) -> str:
    """Why ``rule`` fires, as its entry in ``data/rules.txt`` says."""
    return registry()[check(rule)]
