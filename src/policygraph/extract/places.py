"""Places: countries, provinces, autonomous regions, municipalities, major cities and
regions, from the vocabulary ``ontology/vocab/places.ttl`` (rule ``places.vocab``).

Included: every label of the vocabulary, short or full (安徽, 安徽省, 内蒙古, 北京, 深圳, 京津冀,
中国, 中华人民共和国); canonical label = the prefLabel, the full official name (安徽省,
内蒙古自治区, 北京市, 深圳市).

Excluded: 我国 / 全国 / 各地 / 地方 (not named places); a place inside a longer Organization or
Policy mention (北京市 in ``北京市习近平新时代中国特色社会主义思想研究中心`` or in the title
``北京市加快…行动计划``, which the organization and policy extractors mention themselves);
中国 where it starts a fixed phrase rather than naming the country (中国特色, 中国式, 中国梦,
中国制造, 中国方案, 中国人民 …, see ``NOT_PLACE_AFTER``).
"""

from __future__ import annotations

from policygraph.extract.driver import BlockRecognizer, BlockScan, Found, Match
from policygraph.model import EntityMention
from policygraph.rules.vocab import load_scheme
from policygraph.rules.wordlists import load, rows_of
from policygraph.text.document import Block, Document
from policygraph.text.spans import Spans

# Words that, right after a place name, make it part of a fixed phrase, not a place.
NOT_PLACE_AFTER: dict[str, tuple[str, ...]] = {
    row[0]: row[1:]
    for row in rows_of(load("places.txt", rows=("not-place-after",)), "not-place-after")
}


def find_places(text: str) -> list[tuple[int, int, str]]:
    """Places in ``text`` as ``(i, j, canonical label)``."""
    out = []
    for i, j, concept in load_scheme("places").find(text):
        if text.startswith(NOT_PLACE_AFTER.get(text[i:j], ()), j):
            continue
        out.append((i, j, concept.pref_label))
    return out


def _scan(doc: Document, found: Found) -> BlockScan:
    # indexed: a scan of every mention per place made long documents quadratic
    covering = Spans(
        (f.mention.start, f.mention.end)
        for f in found
        if isinstance(f, EntityMention) and f.ref.cls in ("Organization", "Policy", "Place")
    )

    def match(block: Block, n: int) -> list[Match]:
        return [
            Match(i, j, "Place", label, "places.vocab")
            for i, j, label in find_places(block.text)
            if not covering.cover(*block.original_span(i, j))
        ]

    return match


RECOGNIZER = BlockRecognizer("places", _scan, needs=("policies", "organizations"))
