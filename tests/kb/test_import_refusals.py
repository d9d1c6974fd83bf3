"""Import is all or nothing: bad files are refused, naming file, entry and field."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from explorer.cli import main
from explorer.services import knowledge
from explorer.services.stores import open_stores
from tests.conftest import CONTENT
from tests.engines import backend_of


def _export(data_dir: Path, out: Path) -> str:
    assert main(["--data-dir", str(data_dir), "kb", "export", "--format", "json", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def _digest(data_dir: Path) -> str:
    """What the knowledge base holds, as the hash of its export (after any start-up refresh)."""
    stores = open_stores(backend_of(data_dir))
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
        "number given as text",
        lambda d: _set(d, ["treatments", 0, "findings", 0, "timepoint_weeks"], "4"),
        ["treatments[0]", "findings[0].timepoint_weeks", "valid number"],
    ),
    (
        "flag given as a number",
        lambda d: _set(d, ["sources", 0, "peer_reviewed"], 1),
        ["sources[0]", "peer_reviewed", "valid boolean"],
    ),
    (
        "year with a fraction",
        lambda d: _set(d, ["sources", 0, "year"], 2001.0),
        ["sources[0]", "year", "valid integer"],
    ),
    (
        "a 10-MB name",
        lambda d: _set(d, ["treatments", 0, "name"], "a" * 10_000_000),
        ["treatments[0]", "name", "at most 400 characters"],
    ),
    (
        "a million synonyms",
        lambda d: _set(d, ["treatments", 0, "synonyms"], ["x"] * 1_000_000),
        ["treatments[0]", "synonyms", "at most 40 items"],
    ),
    (
        "NUL inside a name",
        lambda d: _set(d, ["treatments", 0, "name"], "TENS\u0000"),
        ["treatments[0].name", "control character U+0000"],
    ),
    (
        "terminal escape inside a text",
        lambda d: _set(d, ["treatments", 1, "mechanism"], "\u001b[31mred"),
        ["treatments[1].mechanism", "control character U+001B"],
    ),
    (
        "right-to-left override inside a name",
        lambda d: _set(d, ["conditions", 0, "name"], "abc\u202edef"),
        ["conditions[0].name", "U+202E"],
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
    ("deeply nested objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
    ("nested just past the limit", b'{"meta":' + b"[" * 40 + b"]" * 40 + b"}", "nested too deeply"),
    ("not JSON at all", b"slug = 'tens'\n", "not valid JSON"),
    ("UTF-16 with a byte-order mark", '{"meta": {}}'.encode("utf-16"), "UTF-16"),
    ("UTF-16 without a mark", '{"meta": {}}'.encode("utf-16-le"), "UTF-16"),
    ("NaN", b'{"meta": {"x": NaN}}', "NaN is not a number"),
    ("Infinity", b'{"meta": [-Infinity]}', "-Infinity is not a number"),
    ("a 5,000-digit number", b'{"meta": ' + b"9" * 5000 + b"}", "more than 4,300 digits"),
    ("a raw control character", b'{"meta": "a\x07b"}', "not valid JSON"),
    ("an escaped control character", b'{"meta": "a\\u0000b"}', "U+0000"),
    ("a control character in a key", b'{"me\\u0001ta": 1}', "U+0001"),
    (
        "a million list items",
        b'{"treatments": [' + b",".join([b"{}"] * 1_000_000) + b"]}",
        "at most 100000 items",
    ),
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


def test_a_utf8_byte_order_mark_is_accepted(data_dir: Path, tmp_path: Path) -> None:
    text = _export(data_dir, tmp_path / "kb.json")
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert main(["kb", "import", str(path)]) == 0
    assert _export(data_dir, tmp_path / "again.json") == text


def test_many_wrong_entries_list_the_first_and_count_the_rest(
    data_dir: Path, tmp_path: Path, exported: dict[str, Any], capsys
) -> None:
    """5,000 wrong treatments (~15 problems each): the first 200 are printed, all counted."""
    before = _digest(data_dir)
    exported["treatments"] = [{"slug": "x"}] * 5_000
    path = tmp_path / "many.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 201
    assert "the first 200 listed; nothing was changed" in lines[-1]
    assert int(lines[-1].split("refused: ")[1].split(" ")[0]) > 50_000
    assert _digest(data_dir) == before


def test_a_file_over_50_mb_is_refused_unread(data_dir: Path, tmp_path: Path, capsys) -> None:
    before = _digest(data_dir)
    path = tmp_path / "huge.json"
    with path.open("wb") as out:  # sparse: 51 MB on paper, nothing on the disk
        out.truncate(51 * 1024 * 1024)
    assert main(["kb", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "53,477,376 bytes; the limit is 52,428,800 bytes" in err
    assert _digest(data_dir) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_is_refused_without_reading_it(
    data_dir: Path, tmp_path: Path, capsys, kind: str
) -> None:
    """``kb import /dev/zero`` would read forever, a FIFO would wait for a writer."""
    if kind == "fifo":
        path = tmp_path / "pipe.json"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero here")
    assert main(["kb", "import", str(path)]) == 1
    assert "not a regular file" in capsys.readouterr().err


def _content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return content


def _replace_first(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


TOML_CASES: list[tuple[str, str, Any, str]] = [
    # (description, file in the content folder, change, fragment of the message)
    ("deeply nested array", "faq.toml", "a = " + "[" * 100_000 + "]" * 100_000, "too deeply"),
    ("deeply nested table header", "faq.toml", "[" + ".".join("a" * 100_000) + "]", "too deeply"),
    ("deeply nested inline tables", "faq.toml", "a = " + "{b=" * 40 + "1" + "}" * 40, "too deeply"),
    (
        "duplicate key",
        "meta.toml",
        "[meta]\nkb_version = '1'\nkb_version = '2'\n",
        "not valid TOML",
    ),
    ("UTF-16", "faq.toml", "questions = []\n".encode("utf-16"), "UTF-16"),
    ("Latin-1", "faq.toml", "# Café\n".encode("latin-1"), "not UTF-8"),
    ("binary", "glossary.toml", bytes(range(256)), "binary data"),
    ("truncated", "meta.toml", "[meta]\nkb_version = '2026.1", "not valid TOML"),
    ("control character", "faq.toml", '[[questions]]\nquestion = "a\\u001b"\n', "U+001B"),
    (
        "nan",
        "treatments/06-tens.toml",
        lambda p: _replace_first(p, "value = ", "value = nan #"),
        "finite number",
    ),
    (
        "inf",
        "treatments/06-tens.toml",
        lambda p: _replace_first(p, "value = ", "value = -inf #"),
        "finite number",
    ),
    ("over 1 MB", "faq.toml", b"#" * (1024 * 1024 + 1), "the limit is 1,048,576 bytes"),
]


@pytest.mark.parametrize(
    ("description", "name", "change", "fragment"), TOML_CASES, ids=[c[0] for c in TOML_CASES]
)
def test_a_bad_content_folder_is_refused_and_nothing_changes(
    data_dir: Path,
    tmp_path: Path,
    capsys,
    description: str,
    name: str,
    change: Any,
    fragment: str,
) -> None:
    before = _digest(data_dir)
    content = _content_copy(tmp_path)
    target = content / name
    if callable(change):
        change(target)
    elif isinstance(change, bytes):
        target.write_bytes(change)
    else:
        target.write_text(change, encoding="utf-8")
    for command in (["kb", "validate"], ["kb", "import"], ["kb", "build", "--from"]):
        assert main([*command, str(content)]) == 1, command
        err = capsys.readouterr().err
        assert fragment in err and str(target) in err, (description, command, err)
        assert "Traceback" not in err
    assert _digest(data_dir) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_content_file_that_is_a_pipe_or_a_device_is_refused(
    data_dir: Path, tmp_path: Path, capsys
) -> None:
    """Not skipped as "not a file": a faq.toml that cannot be read must not mean "no FAQ"."""
    content = _content_copy(tmp_path)
    (content / "faq.toml").unlink()
    os.mkfifo(content / "faq.toml")
    (content / "glossary.toml").unlink()
    (content / "glossary.toml").symlink_to("/dev/zero")
    assert main(["kb", "validate", str(content)]) == 1
    err = capsys.readouterr().err
    assert err.count("not a regular file") == 2


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
    import explorer.store.kb_tables as kb_tables

    before = _digest(data_dir)
    original = kb_tables.summary_of
    written: list[str] = []

    def exploding(detail: Any, sources: Any) -> Any:
        written.append(detail["slug"])
        if len(written) > 3:
            raise RuntimeError("simulated failure half-way through the import")
        return original(detail, sources)

    monkeypatch.setattr(kb_tables, "summary_of", exploding)
    path = tmp_path / "good.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    stores = open_stores(backend_of(data_dir), refresh_shipped=False)
    try:
        with pytest.raises(RuntimeError):
            knowledge.import_file(stores, path)
    finally:
        stores.close()
    monkeypatch.setattr(kb_tables, "summary_of", original)
    assert len(written) == 4
    assert _digest(data_dir) == before


def test_a_toml_integer_too_long_for_python_is_refused_not_a_traceback(tmp_path) -> None:
    """Found by the property test: tomllib raises ValueError past 4,300 digits."""
    import shutil

    from explorer.kb.content_errors import ContentError
    from explorer.kb.validate import load_document
    from tests.conftest import CONTENT

    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    meta = folder / "meta.toml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text + "\nhuge_number = " + "9" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_document(folder)
    assert "meta.toml" in str(caught.value.problems[0])


MARKUP_PROBE = '<b>X</b><img src="file:///tmp/probe">'


@pytest.mark.parametrize(
    ("section", "index", "field", "value", "names"),
    [
        ("conditions", 0, ("name",), MARKUP_PROBE, "conditions[0]"),
        ("treatments", 0, ("plain_name",), "<b>Short</b>", "treatments[0]"),
        ("treatments", 0, ("harms", 0, "description"), MARKUP_PROBE, " harms[0].description:"),
        ("treatments", 0, ("timeframe", "course"), "Weeks &amp; months", " timeframe.course:"),
        ("sources", 0, ("citation",), "Smith &#60;b&#62; 2020", "sources[0]"),
        ("statistics", 0, ("label",), "<!-- hidden -->", "statistics[0]"),
        ("glossary", 0, ("definition",), "</p>", "glossary[0]"),
        ("faq", 0, ("plain_answer",), "<a href='x'>here</a>", "faq[0]"),
        ("pathway", 0, ("escalation_criteria", 0), "<i>red flags</i>", " escalation_criteria[0]:"),
        ("meta", None, ("disclaimer",), MARKUP_PROBE, "meta.disclaimer"),
    ],
)
def test_markup_in_a_text_field_is_refused_naming_entry_and_field(
    data_dir: Path,
    tmp_path: Path,
    exported: dict[str, Any],
    capsys,
    section: str,
    index: int | None,
    field: tuple[str | int, ...],
    value: str,
    names: str,
) -> None:
    before = _digest(data_dir)
    bad = copy.deepcopy(exported)
    target: Any = bad[section] if index is None else bad[section][index]
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path = tmp_path / "markup.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 1
    err = capsys.readouterr().err
    problem = err.splitlines()[0]
    assert ": markup such as" in problem and "not allowed here" in problem, err
    assert names in problem and str(path) in problem, err
    assert "nothing was changed" in err and len(err.splitlines()) == 2
    assert _digest(data_dir) == before


def test_text_that_only_looks_like_markup_is_accepted(
    data_dir: Path, tmp_path: Path, exported: dict[str, Any]
) -> None:
    """'<' before a number or a space and a bare '&' are ordinary text ("PM&R", "<4%")."""
    exported["treatments"][0]["timeframe"]["course"] = "Improves in <4 weeks; 1 < 2; PM&R & more"
    path = tmp_path / "text.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 0
    again = json.loads(_export(data_dir, tmp_path / "again.json"))
    assert again["treatments"][0]["timeframe"]["course"].startswith("Improves in <4 weeks")
