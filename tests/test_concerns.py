"""A target concerns the fields named in its own clause, not every field of its sentence."""

from __future__ import annotations

from conftest import make_doc
from policygraph.extract import run
from policygraph.model import Measure


def concerns_by_indicator(text: str) -> dict[str, set[str]]:
    doc = make_doc(text, kind="policy", title="某某行动计划")
    return {
        f.indicator: {r.key for r in f.concerns}
        for f in run(doc)
        if isinstance(f, Measure) and f.kind == "Target"
    }


def test_a_list_of_targets_keeps_each_field_to_its_own_target() -> None:
    found = concerns_by_indicator(
        "到2027年，人工智能核心产业规模超过1万亿元；区块链应用覆盖率达到80%；"
        "数控机床国产化率超过70%。"
    )
    ai = next(v for k, v in found.items() if "核心产业规模" in k)
    chain = next(v for k, v in found.items() if "应用覆盖率" in k)
    tools = next(v for k, v in found.items() if "国产化率" in k)
    assert "人工智能" in ai and "区块链" not in ai
    assert "区块链" in chain and "人工智能" not in chain
    assert not ({"人工智能", "区块链"} & tools)


def test_a_field_named_before_the_target_in_its_clause_still_counts() -> None:
    found = concerns_by_indicator("到2027年，人工智能产业规模超过1万亿元。")
    assert any("人工智能" in keys or "人工智能产业" in keys for keys in found.values()), found
