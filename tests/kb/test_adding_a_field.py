"""Adding a field to a treatment takes the schema, the domain and the content: nothing else.

The knowledge base has one shape, the validated document; the storage keeps it as JSON and the
reader turns it into domain objects by field name. This test adds a field ``x`` to the
document's treatment (pydantic) and to the domain's treatment (a dataclass), writes it into
a content folder, and finds it in the stored knowledge base, in the domain object the window
gets, in ``kb show --json`` and in the export, without any change to the storage, the reader,
the services or the command line.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import Field

from explorer.cli import main
from explorer.domain import models as d
from explorer.kb import schema, validate
from tests.conftest import CONTENT
from tests.engines import backend_of


class TreatmentWithX(schema.Treatment):
    x: schema.ShortText | None = None


class DocumentWithX(schema.KnowledgeDocument):
    treatments: Annotated[list[TreatmentWithX], Field(min_length=1, max_length=100_000)]


@dataclass(frozen=True, kw_only=True)
class DomainTreatmentWithX(d.Treatment):
    x: str | None = None


@pytest.fixture
def with_x(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two changes of code a new field needs: the schema's and the domain's."""
    monkeypatch.setattr(schema, "KnowledgeDocument", DocumentWithX)
    monkeypatch.setattr(validate, "KnowledgeDocument", DocumentWithX)
    monkeypatch.setattr(d, "Treatment", DomainTreatmentWithX)


def _content(tmp_path: Path) -> Path:
    """The third change: the content carries the field."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    tens = content / "treatments" / "06-tens.toml"
    text = tens.read_text(encoding="utf-8")
    tens.write_text(text.replace("\nname = ", '\nx = "a new fact"\nname = ', 1), encoding="utf-8")
    return content


def test_a_new_treatment_field_reaches_the_domain_the_json_and_the_export(
    with_x: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from explorer.services.explorer_data import open_service

    assert main(["kb", "build", "--from", str(_content(tmp_path))]) == 0
    capsys.readouterr()

    service = open_service(backend_of(tmp_path / "data"))  # the window's way in (the fast path)
    try:
        tens = service.treatment("tens")
        other = service.treatment("heat-and-cold")
    finally:
        service.close()
    assert isinstance(tens, DomainTreatmentWithX) and tens.x == "a new fact"
    assert isinstance(other, DomainTreatmentWithX) and other.x is None

    assert main(["kb", "show", "tens", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["x"] == "a new fact"

    out = tmp_path / "export.json"
    assert main(["kb", "export", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    (row,) = [t for t in exported["treatments"] if t["slug"] == "tens"]
    assert row["x"] == "a new fact"


def test_without_the_schema_change_the_content_is_refused(tmp_path: Path, capsys) -> None:
    """(The content alone is not enough: an unknown field is an error, never dropped.)"""
    assert main(["kb", "build", "--from", str(_content(tmp_path))]) == 1
    assert "unknown field" in capsys.readouterr().err
