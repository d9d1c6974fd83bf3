"""Property: every file the application reads from outside, damaged in generated ways
(truncated, binary bytes, control characters, NaN and infinities, over-long numbers,
repeated keys, another encoding, deep nesting), is either refused with one-line messages
and nothing changed, or (when the damage happened to leave a sound file) taken whole.

Importers covered: ``kb import`` of a JSON export and of a TOML content folder (the
knowledge base compared through its export before and after), ``kb validate``, and the
notes file of ``explorer export``. The settings file has its own property test
(tests/ui/test_hostile_settings.py). Backups join here once they exist.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.errors import UserFacingError
from explorer.fileio import UnreadableFile, read_text_file
from explorer.kb.content_errors import ContentError
from explorer.kb.validate import load_document
from explorer.services import knowledge
from tests.conftest import CONTENT
from tests.engines import backend_of

CONTROL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]]
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NUMBER = re.compile(rb"(?<=[:=\[,] )-?\d+(\.\d+)?")


KINDS = ["truncate", "junk", "control", "escape", "number", "repeat", "encoding", "nesting", "bom"]


@st.composite
def damaged(draw: Any, base: bytes, first: str | None = None, *, escapes: bool = True) -> bytes:
    """``base`` with damage of kind ``first`` (else a random kind), and up to two more."""
    data = base
    kinds = [first or draw(st.sampled_from(KINDS))]
    kinds += draw(st.lists(st.sampled_from(KINDS), max_size=2))
    for kind in kinds:
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "junk":
            data = data[:at] + draw(st.binary(min_size=1, max_size=12)) + data[at:]
        elif kind == "control":
            data = data[:at] + draw(st.sampled_from(CONTROL)).encode() + data[at:]
        elif kind == "escape" and escapes:
            quote = data.find(b'": "', at)
            if quote >= 0:
                char = draw(st.sampled_from([*CONTROL, "\u202e", "\u2066"]))
                data = data[: quote + 4] + f"\\u{ord(char):04x}".encode() + data[quote + 4 :]
        elif kind == "number":
            numbers = list(NUMBER.finditer(data))
            if numbers:
                m = draw(st.sampled_from(numbers))
                new = draw(
                    st.sampled_from(
                        [b"NaN", b"Infinity", b"-Infinity", b"nan", b"inf", b"1e999", b"9" * 5000]
                    )
                )
                data = data[: m.start()] + new + data[m.end() :]
        elif kind == "repeat":
            end = data.find(b"\n", at)
            start = data.rfind(b"\n", 0, at)
            if 0 <= start < end:
                data = data[: end + 1] + data[start + 1 : end + 1] + data[end + 1 :]
        elif kind == "encoding":
            codec = draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1", "cp1252"]))
            data = data.decode("utf-8", errors="replace").encode(codec, errors="replace")
        elif kind == "nesting":
            depth = draw(st.sampled_from([40, 1000, 100_000]))
            data = data[:at] + b"[" * depth + b"]" * depth + data[at:]
        elif kind == "bom":
            data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    return data


def _one_line_problems(exc: ContentError) -> None:
    assert exc.problems and exc.total >= len(exc.problems)
    for problem in exc.problems:
        assert "\n" not in str(problem) and "Traceback" not in str(problem)


def _refuse_constant(name: str) -> Any:
    raise AssertionError(f"{name} reached the knowledge base")


def _sound(export: str, folder: Path) -> None:
    """What landed is plain data (finite numbers, no control characters or overrides) and
    its export can be imported again."""
    again = folder / "again.json"
    again.write_text(export, encoding="utf-8")
    load_document(again)
    stack = [json.loads(export, parse_constant=_refuse_constant)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            assert not BAD_TEXT.search(item), item
        elif isinstance(item, float):
            assert math.isfinite(item)


def _snapshot(stores: Any) -> str:
    return knowledge.document_json(knowledge.export_document_of(stores))


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_json_exports_are_refused_or_land_whole(stores, tmp_path: Path, kind) -> None:
    base = _snapshot(stores).encode("utf-8")
    target = tmp_path / "damaged.json"

    @_settings(8)
    @given(damaged(base, kind))
    def check(data: bytes) -> None:
        before = _snapshot(stores)
        target.write_bytes(data)
        try:
            doc = knowledge.import_file(stores, target)
        except ContentError as exc:
            _one_line_problems(exc)
            assert _snapshot(stores) == before
        else:
            after = _snapshot(stores)
            assert after == knowledge.document_json(doc)
            _sound(after, tmp_path)

    check()


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "escape"])
def test_damaged_content_folders_are_refused_or_land_whole(stores, tmp_path: Path, kind) -> None:
    files = sorted(p.relative_to(CONTENT) for p in CONTENT.rglob("*.toml"))
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    originals = {name: (CONTENT / name).read_bytes() for name in files}

    @_settings(3)
    @given(st.sampled_from(files), st.data())
    def check(name: Path, data: st.DataObject) -> None:
        damage = data.draw(damaged(originals[name], kind, escapes=False))
        before = _snapshot(stores)
        (folder / name).write_bytes(damage)
        try:
            try:
                doc = knowledge.import_file(stores, folder)
            except ContentError as exc:
                _one_line_problems(exc)
                assert _snapshot(stores) == before
            else:
                after = _snapshot(stores)
                assert after == knowledge.document_json(doc)
                _sound(after, tmp_path)
        finally:
            (folder / name).write_bytes(originals[name])

    check()


NOTES = (
    "Prefers to avoid needles.\nAgreed: exercise programme first; review in 6 weeks.\n"
    "Questions: «how long?» — answered.\n"
).encode()


@settings(max_examples=80, deadline=None)
@given(data=damaged(NOTES, escapes=False))
def test_damaged_notes_files_are_refused_in_one_line_or_read_clean(
    data: bytes, tmp_path_factory
) -> None:
    path = tmp_path_factory.mktemp("notes") / "notes.txt"
    path.write_bytes(data)
    try:
        text = read_text_file(path, what="notes file")
    except UnreadableFile as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
    except UserFacingError as exc:  # pragma: no cover - every refusal is an UnreadableFile
        raise AssertionError(f"unexpected kind of refusal: {exc!r}") from exc
    else:
        assert not any(c in text for c in CONTROL if c not in "\x0c")


@st.composite
def damaged_backup(draw, base: bytes) -> bytes:
    """A real backup, damaged: truncated, bytes overwritten, its header zeroed, or noise."""
    how = draw(st.sampled_from(["truncate", "overwrite", "header", "noise"]))
    if how == "truncate":
        return base[: draw(st.integers(0, len(base) - 1))]
    if how == "header":
        return b"\x00" * 100 + base[100:]
    if how == "noise":
        return draw(st.binary(min_size=0, max_size=8192))
    start = draw(st.integers(100, len(base) - 64))
    junk = draw(st.binary(min_size=16, max_size=512))
    return base[:start] + junk + base[start + len(junk) :]


def test_damaged_backups_are_refused_by_restore_with_the_clinic_data_unchanged(
    data_dir: Path, tmp_path: Path
) -> None:
    import hashlib

    from explorer.services.backup import make_backup
    from explorer.services.clinic_db import RestoreFailed, restore_clinic
    from explorer.services.consults import ConsultService
    from explorer.services.stores import open_stores

    stores = open_stores(backend_of(data_dir))
    ConsultService(stores.clinic).start(condition="sciatica", treatments=["tens"])
    stores.close()
    base = make_backup(backend_of(data_dir), "manual").path.read_bytes()
    target = tmp_path / "from-a-usb-stick.sqlite"
    examples = iter(range(10_000))

    @_settings(25)
    @given(damaged_backup(base))
    def check(data: bytes) -> None:
        folder = tmp_path / f"example-{next(examples)}"  # each example on a fresh copy
        shutil.copytree(data_dir, folder)
        clinic = folder / "clinic.sqlite"
        before = hashlib.sha256(clinic.read_bytes()).hexdigest()
        target.write_bytes(data)
        try:
            restore_clinic(backend_of(folder), target, clinician="test")
        except RestoreFailed as exc:
            assert "\n" not in str(exc).strip() and "Nothing was changed" in str(exc)
            assert hashlib.sha256(clinic.read_bytes()).hexdigest() == before
            assert not list(folder.glob("clinic.sqlite.*-*"))  # nothing set aside
        else:  # damage that left a sound clinic database (e.g. in free pages): taken whole
            con = sqlite3.connect(clinic)
            try:
                assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            finally:
                con.close()

    check()
