"""Upgrade steps for knowledge-base documents of older format versions.

A document (a content folder, a JSON export, or the document stored in a database) says its
``format_version``. Before validation, :func:`upgrade_document` applies the registered steps
from that version up to :data:`~explorer.kb.version.FORMAT_VERSION`, each taking the raw
document of version N and returning one of version N + 1. Where no step is registered (1 → 2
and 2 → 3 added required plain-language fields that no step can invent) the document is left
as it is, and validation refuses it naming every missing field.

3 → 4 added two required fields whose honest default is "we do not know": a source's
``funding`` ("not reported") and a harm's ``causation`` ("not established"); everything else
version 4 added is optional, and ``explorer kb audit`` asks for what is missing (red flags,
the scope statement, identifiers, guideline positions). A stored knowledge base of version 3
is upgraded by :func:`funding_and_causation_unknown` when it is opened.

When the format changes next (version 5), its step goes here, registered with ``@step(4)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from explorer.kb.version import FORMAT_VERSION

Document = dict[str, Any]
Step = Callable[[Document], Document]

STEPS: dict[int, Step] = {}
"""from-version -> the step that turns such a document into one of the next version."""


def step(from_version: int) -> Callable[[Step], Step]:
    """Register the upgrade of documents of ``from_version`` to ``from_version + 1``."""

    def register(function: Step) -> Step:
        STEPS[from_version] = function
        return function

    return register


def upgrade_document(data: Document, target: int = FORMAT_VERSION) -> Document:
    """``data`` upgraded step by step to ``target`` where steps exist (a new dict; ``data``
    is not changed); a document without a usable version is returned as it is."""
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        return data
    while version < target and version in STEPS:
        data = STEPS[version](dict(data))
        version += 1
        data["format_version"] = version
    return data


@step(3)
def funding_and_causation_unknown(data: Document) -> Document:
    """Version 3 → 4: every source without ``funding`` gets "not reported" and every harm
    without ``causation`` "not established" (what a version-3 document says about them:
    nothing). Entries that are not objects are left for validation to refuse."""
    sources = data.get("sources")
    if isinstance(sources, list):
        data["sources"] = [
            {"funding": "not reported", **s} if isinstance(s, dict) else s for s in sources
        ]
    treatments = data.get("treatments")
    if isinstance(treatments, list):
        data["treatments"] = [_harms_causation(t) for t in treatments]
    return data


def _harms_causation(treatment: Any) -> Any:
    if not isinstance(treatment, dict) or not isinstance(treatment.get("harms"), list):
        return treatment
    harms = [
        {**h, "causation": h.get("causation", "not established")} if isinstance(h, dict) else h
        for h in treatment["harms"]
    ]
    return {**treatment, "harms": harms}
