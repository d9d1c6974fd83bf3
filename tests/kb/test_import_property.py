"""Property: whatever a file contains, import either lands completely or changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.kb.content_errors import ContentError
from explorer.services import knowledge

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            found.extend(_paths(child, (*prefix, index)))
    return found


@st.composite
def mutated_documents(draw, base: dict[str, Any]) -> dict[str, Any]:
    doc = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "duplicate-list-item"]))
        if action == "delete":
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif action == "duplicate-list-item" and isinstance(parent, list):
            parent.append(parent[path[-1]])
        else:
            parent[path[-1]] = draw(json_values)
    return doc


def _snapshot(stores: Any) -> str:
    return knowledge.document_json(knowledge.export_document_of(stores))


def test_generated_malformed_documents_are_refused_or_land_whole(stores, tmp_path: Path) -> None:
    base = json.loads(_snapshot(stores))
    target = tmp_path / "generated.json"

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(mutated_documents(base))
    def check(doc: dict[str, Any]) -> None:
        before = _snapshot(stores)
        target.write_text(json.dumps(doc), encoding="utf-8")
        try:
            imported = knowledge.import_file(stores, target)
        except ContentError as exc:
            assert exc.problems and all(str(target) in str(p) for p in exc.problems)
            assert _snapshot(stores) == before
        else:
            assert _snapshot(stores) == knowledge.document_json(imported)

    check()


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_are_refused_without_a_traceback(raw: bytes, tmp_path_factory) -> None:
    from explorer.kb.validate import load_document

    path = tmp_path_factory.mktemp("raw") / "file.json"
    path.write_bytes(raw)
    try:
        load_document(path)
    except ContentError as exc:
        assert exc.problems
    else:  # pragma: no cover - random bytes never form a knowledge base
        raise AssertionError("random bytes were accepted as a knowledge base")
