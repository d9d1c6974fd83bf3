"""Import is all or nothing: bad files are refused, naming file, entry and field."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from explorer.cli import main
from explorer.services import knowledge


def _export(data_dir: Path, out: Path) -> str:
    assert main(["--data-dir", str(data_dir), "kb", "export", "--format", "json", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def _digest(data_dir: Path) -> str:
    """What the knowledge base holds, as the hash of its export (after any start-up refresh)."""
    stores = knowledge.open_stores(data_dir)
    try:
        return hashlib.sha256(
            knowledge.document_json(knowledge.export_document_of(stores)).encode()
        ).hexdigest()
    finally:
        stores.close()


@pytest.fixture
def exported(data_dir: Path, tmp_path: Path) -> dict[str, Any]:
    return json.loads(_export(data_dir, tmp_path / "kb.json"))


def test_export_import_round_trips_to_identical_json(
    data_dir: Path, tmp_path: Path, capsys
) -> None:
    first = _export(data_dir, tmp_path / "first.json")
    assert main(["kb", "import", str(tmp_path / "first.json")]) == 0
    second = _export(data_dir, tmp_path / "second.json")
    assert first == second
    assert "imported" in capsys.readouterr().out


def test_import_of_changed_file_replaces_content(
    data_dir: Path, tmp_path: Path, exported: dict[str, Any]
) -> None:
    exported["treatments"][0]["name"] = "Renamed for the test"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 0
    again = json.loads(_export(data_dir, tmp_path / "again.json"))
    assert again["treatments"][0]["name"] == "Renamed for the test"


def _set(doc: dict[str, Any], path: list[Any], value: Any) -> None:
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


CASES: list[tuple[str, Any, list[str]]] = [
    # (description, mutation on the exported dict, fragments the message must contain)
    (
        "unknown condition",
        lambda d: _set(d, ["treatments", 0, "findings", 0, "condition"], "knee-pain"),
        ["treatments[0]", "findings[0].condition", "unknown condition 'knee-pain'"],
    ),
    (
        "missing source",
        lambda d: _set(d, ["treatments", 1, "findings", 0, "sources"], ["no-such-source"]),
        ["treatments[1]", "findings[0].sources", "unknown source 'no-such-source'"],
    ),
    (
        "certainty outside the vocabulary",
        lambda d: _set(d, ["treatments", 0, "findings", 0, "certainty"], "strong"),
        ["treatments[0]", "findings[0].certainty", "strong"],
    ),
    (
        "duplicate slug",
        lambda d: _set(d, ["treatments", 1, "slug"], d["treatments"][0]["slug"]),
        ["treatments[1]", "slug", "duplicate slug"],
    ),
    (
        "wrong type",
        lambda d: _set(d, ["sources", 0, "year"], "two thousand"),
        ["sources[0]", "year"],
    ),
    (
        "wrong type: list expected",
        lambda d: _set(d, ["treatments", 0, "harms"], "none"),
        ["treatments[0]", "harms"],
    ),
    (
        "missing field",
        lambda d: d["treatments"][2].pop("mechanism"),
        ["treatments[2]", "mechanism", "required field is missing"],
    ),
    (
        "unknown field",
        lambda d: _set(d, ["treatments", 0, "efficacy"], "great"),
        ["treatments[0]", "efficacy", "unknown field"],
    ),
    (
        "source listed twice",
        lambda d: _set(
            d,
            ["treatments", 0, "findings", 0, "sources"],
            d["treatments"][0]["findings"][0]["sources"] * 2,
        ),
        ["treatments[0]", "findings[0].sources", "listed twice"],
    ),
    (
        "condition listed twice",
        lambda d: _set(d, ["treatments", 0, "conditions"], d["treatments"][0]["conditions"] * 2),
        ["treatments[0]", "conditions", "listed twice"],
    ),
    (
        "statistic without a known source",
        lambda d: _set(d, ["statistics", 0, "source"], "ghost"),
        ["statistics[0]", "source", "unknown source 'ghost'"],
    ),
    (
        "source kind outside the vocabulary",
        lambda d: _set(d, ["sources", 0, "kind"], "blog"),
        ["sources[0]", "kind", "blog"],
    ),
    (
        "finding without sources",
        lambda d: _set(d, ["treatments", 0, "findings", 0, "sources"], []),
        ["treatments[0]", "findings[0].sources"],
    ),
    (
        "estimate outside its interval",
        lambda d: _set(
            d,
            ["treatments", 0, "findings", 0, "estimate"],
            {
                "measure": "MD",
                "value": 50,
                "ci_low": -1,
                "ci_high": 1,
                "scale": "Pain, 0-100",
                "better": "lower",
            },
        ),
        ["treatments[0]", "findings[0].estimate", "outside its interval"],
    ),
]


@pytest.mark.parametrize(
    ("description", "mutate", "fragments"), CASES, ids=[case[0] for case in CASES]
)
def test_inconsistent_or_wrongly_typed_file_is_refused_and_nothing_changes(
    data_dir: Path,
    tmp_path: Path,
    exported: dict[str, Any],
    capsys,
    description: str,
    mutate: Any,
    fragments: list[str],
) -> None:
    before = _digest(data_dir)
    bad = copy.deepcopy(exported)
    mutate(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err
    for fragment in fragments:
        assert fragment in err, f"{description}: {fragment!r} not in {err!r}"
    assert "nothing was changed" in err
    assert _digest(data_dir) == before


RAW_CASES: list[tuple[str, bytes, str]] = [
    (
        "truncated",
        b'{"format": "spine-treatment-explorer/knowledge-base", "meta": {"kb_v',
        "looks truncated",
    ),
    ("binary", bytes(range(256)) * 4, "binary data"),
    ("wrong encoding", '{"meta": "Café"}'.encode("latin-1"), "not UTF-8"),
    ("empty", b"", "empty"),
    ("not an object", b"[1, 2, 3]", "expected a JSON object"),
    ("duplicate keys", b'{"meta": {}, "meta": {}}', "duplicate key 'meta'"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("not JSON at all", b"slug = 'tens'\n", "not valid JSON"),
]


@pytest.mark.parametrize(
    ("description", "content", "fragment"), RAW_CASES, ids=[case[0] for case in RAW_CASES]
)
def test_malformed_file_is_refused_with_a_clear_message(
    data_dir: Path, tmp_path: Path, capsys, description: str, content: bytes, fragment: str
) -> None:
    before = _digest(data_dir)
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert main(["kb", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert fragment in err and str(path) in err
    assert "Traceback" not in err
    assert _digest(data_dir) == before


def test_missing_file_is_refused(data_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["kb", "import", str(tmp_path / "nope.json")]) == 1
    assert "file not found" in capsys.readouterr().err


def test_huge_file_is_refused_before_it_is_read(
    data_dir: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import explorer.kb.files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2000)
    assert main(["kb", "import", str(path)]) == 1
    assert "the limit is" in capsys.readouterr().err


def test_failure_while_writing_rolls_back_everything(
    data_dir: Path, tmp_path: Path, exported: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash half-way through writing rows (after the wipe) leaves the old content."""
    import explorer.store.kb_io as kb_io

    before = _digest(data_dir)
    original = kb_io.StatisticRow

    def exploding(**kwargs: Any) -> Any:
        raise RuntimeError("simulated failure half-way through the import")

    monkeypatch.setattr(kb_io, "StatisticRow", exploding)
    path = tmp_path / "good.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    stores = knowledge.open_stores(data_dir, refresh_shipped=False)
    try:
        with pytest.raises(RuntimeError):
            knowledge.import_file(stores, path)
    finally:
        stores.close()
    monkeypatch.setattr(kb_io, "StatisticRow", original)
    assert _digest(data_dir) == before
