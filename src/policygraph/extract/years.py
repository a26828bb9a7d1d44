"""Years: ``2027年``, ``二〇三五年``, both ends of ``2025—2027年``, and 今年/明年/去年/前年
resolved through the document date (rules ``years.*``). The grammar of year expressions,
which other recognizers read clauses with, is :mod:`policygraph.text.years`.
"""

from __future__ import annotations

from policygraph.extract.driver import SKIP_KINDS, BlockRecognizer, BlockScan, Found, Match
from policygraph.text.document import Block, Document
from policygraph.text.years import find_years


def _scan(doc: Document, found: Found) -> BlockScan:
    def match(block: Block, n: int) -> list[Match]:
        return [
            Match(
                s.i, s.j, "Year", str(s.year), s.rule, key=str(s.year), alias=s.kind != "relative"
            )
            for s in find_years(block.text, base_year=doc.meta.year)
        ]

    return match


# an author's affiliation line names no year worth a mention
RECOGNIZER = BlockRecognizer("years", _scan, skip=SKIP_KINDS | {"affiliation"})
