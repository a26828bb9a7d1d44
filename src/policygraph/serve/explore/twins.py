"""The JSON twin of each explorer page: what the HTML page shows, as data.

Datasette's conventions: the same URL with ``.json`` (or ``?format=json``, or ``Accept:
application/json``), an ``ok`` flag, ``rows`` as objects keyed by column and ``next_url``
for the next page of a table, and an error as ``{"ok": false, "error": …}`` with the
page's status. Built from the same context the template draws, so the two cannot differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from policygraph.serve.explore.neighbours import Graph

if TYPE_CHECKING:
    from policygraph.serve.explore.app import Facts, Page, Source

JSON_TYPE = "application/json; charset=utf-8"
HEADERS = {"Vary": "Accept", "X-Content-Type-Options": "nosniff"}


def page(status: int, template: str, context: Mapping[str, Any]) -> Page:
    from policygraph.serve.explore.app import Page

    data = {"ok": status < 400, **_BUILDERS[template](context)}
    if status >= 400:
        data["status"] = status
    body = json.dumps(data, ensure_ascii=False, indent=1, default=_plain)
    return Page(status, JSON_TYPE, body.encode("utf-8"), dict(HEADERS))


def _plain(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Graph):
        return None
    raise TypeError(f"not JSON: {type(value).__name__}")


def _href(iri: str) -> str | None:
    from policygraph.serve.explore.app import href

    return href(iri)


def _source(s: Source) -> dict[str, object]:
    return {
        "document": s.document,
        "title": s.title,
        "href": s.href,
        "sentence": s.sentence,
        "text": s.text,
        "mention": s.mention,
    }


def _facts(groups: list[Facts], direction: str) -> list[dict[str, object]]:
    return [
        {
            "direction": direction,
            "property": g.property,
            "count": g.count,
            "shown": len(g.values),
            "values": [
                {
                    "value": v.value,
                    "label": v.label,
                    "href": v.href,
                    "class": v.cls or None,
                    "sources": [_source(s) for s in v.sources],
                }
                for v in g.values
            ],
        }
        for g in groups
    ]


def _resource(c: Mapping[str, Any]) -> dict[str, object]:
    data_href = c["data_href"]
    return {
        "iri": c["iri"],
        "class": c["cls"] or None,
        "label": c["label"],
        "aliases": c["aliases"],
        "types": c["types"],
        "facts": _facts(c["facts_out"], "out") + _facts(c["facts_in"], "in"),
        "targets": c["targets"],
        "data": {ext: f"{data_href}.{ext}" for ext in c["formats"]},
    }


def _entity(c: Mapping[str, Any]) -> dict[str, object]:
    mentions = c["mentions"]
    return {
        **_resource(c),
        "mentions": {
            "count": c["mention_count"],
            "shown": len(mentions),
            # "document": the first in document order; "store": the first the store
            # lists (too many to sort), shown in document order.
            "order": "document" if c["mentions_sorted"] else "store",
            "rows": [_source(s) for s in mentions],
        },
    }


def _document(c: Mapping[str, Any]) -> dict[str, object]:
    drawn = c["drawn"]
    return {
        **_resource(c),
        "inferred": c["inferred"],
        "text": c["text"],
        "marks": {
            "count": c["marks"],
            "truncated": c["more_marks"],
            "rows": [
                {
                    "start": m["start"],
                    "end": m["end"],
                    "entity": m["entity"],
                    "label": m["label"],
                    "class": m["cls"] or None,
                }
                for m in drawn
            ],
        },
    }


def _search(c: Mapping[str, Any]) -> dict[str, object]:
    return {
        "q": c["q"],
        "groups": [
            {
                "class": cls or None,
                "count": total,
                "rows": [
                    {"iri": iri, "label": label, "matched": matched, "href": _href(iri)}
                    for iri, matched, label in hits
                ],
            }
            for cls, hits, total in c["groups"]
        ],
    }


def _home(c: Mapping[str, Any]) -> dict[str, object]:
    index = c["index"]
    return {
        "classes": [{"class": cls, "count": n} for cls, n in index.counts],
        "documents": [
            {"iri": iri, "title": title, "href": _href(iri)} for iri, title in index.documents
        ],
    }


def _lists(c: Mapping[str, Any]) -> dict[str, object]:
    return {
        "lists": [
            {"name": name, "title": listing.title, "href": f"/explore/{name}.json"}
            for name, listing in c["lists"].items()
        ],
        "queries": [
            {
                "name": name,
                "title": q.title,
                "params": list(q.params),
                "href": f"/explore/queries/{name}.json",
            }
            for name, q in c["queries"].items()
        ],
    }


def _table(c: Mapping[str, Any]) -> dict[str, object]:
    return {
        "title": c["title"],
        "filters": c["given"],
        "error": c["error"],
        "page": c["page"],
        "count": c["total"],  # None for a saved query: it is not counted
        "columns": c["json_columns"],
        "rows": c["records"],
        "next_url": c["json_next"],
    }


def _error(c: Mapping[str, Any]) -> dict[str, object]:
    return {"error": c["message"]}


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], dict[str, object]]] = {
    "entity.html.j2": _entity,
    "document.html.j2": _document,
    "search.html.j2": _search,
    "home.html.j2": _home,
    "lists.html.j2": _lists,
    "table.html.j2": _table,
    "error.html.j2": _error,
}
