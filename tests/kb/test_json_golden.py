"""``kb list|show|stats --json`` is a contract for scripts: byte for byte what it was.

The golden files were written by the application before the knowledge base became one
stored document (``explorer --data-dir DIR kb list --json > tests/kb/golden/list.json``,
and so on for ``kb show SLUG`` of every shipped slug and ``kb stats``). Regenerate them
only for a deliberate change of the documented JSON shapes (docs/knowledge-base.md, 'JSON
output, field by field').
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
SLUGS = [row["slug"] for row in json.loads((GOLDEN / "list.json").read_text(encoding="utf-8"))]
COMMANDS = [
    ("list.json", ["kb", "list", "--json"]),
    ("stats.json", ["kb", "stats", "--json"]),
    *((f"show-{slug}.json", ["kb", "show", slug, "--json"]) for slug in SLUGS),
]


def _output(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("database")
def test_json_of_the_shipped_content_is_unchanged(data_dir: Path, capsys, shipped_document) -> None:
    assert [t.slug for t in shipped_document.treatments] == SLUGS
    for name, argv in COMMANDS:
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        assert _output(capsys, argv) == expected, name


def test_json_is_the_same_on_the_first_start(capsys) -> None:
    """A new data folder (the full path, building the knowledge base) says the same."""
    for name, argv in COMMANDS[:3]:
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        assert _output(capsys, argv) == expected, name
