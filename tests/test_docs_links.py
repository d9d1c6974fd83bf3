"""The documentation's links hold: every Markdown link and image in README.md and docs/*.md
points at a file that exists (and at a heading that exists, for ``file.md#anchor``), and
every documentation file the code's messages and comments name exists."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# [text](target) and ![alt](target), the target up to a space or the closing bracket
# (an optional "title" after it); reference-style definitions: [name]: target
_INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")


def _links(markdown: str) -> list[str]:
    text = _CODE.sub("", _FENCE.sub("", markdown))  # code shows syntax, it links nothing
    return _INLINE.findall(text) + _DEFINITION.findall(text)


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", _FENCE.sub("", markdown), re.M):
        words = re.sub(r"[^\w\- ]", "", _CODE.sub(lambda m: m.group(0)[1:-1], heading).lower())
        anchors.add(words.replace(" ", "-"))
    return anchors


def _broken(document: Path) -> list[str]:
    markdown = document.read_text(encoding="utf-8")
    broken = []
    for target in _links(markdown):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:: not checked here
            continue
        path, _, anchor = target.partition("#")
        file = (document.parent / unquote(path)).resolve() if path else document
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file.read_text("utf-8")):
            broken.append(f"{target}: no heading #{anchor} in {file.name}")
    return broken


def test_the_documents_are_found() -> None:
    names = {d.name for d in DOCUMENTS}
    assert {"README.md", "install.md", "user-guide.md", "several-pcs.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_every_link_and_image_points_at_an_existing_file(document: Path) -> None:
    assert _broken(document) == []


def test_the_checker_finds_a_broken_link_and_a_broken_anchor(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "shot.png").write_bytes(b"")
    (tmp_path / "other.md").write_text("# Other\n\n## A damaged file\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "![ok](images/shot.png) [ok](other.md#a-damaged-file) [ok](#page) [web](https://x.org)\n"
        "# Page\n"
        "![gone](images/old.png) [gone](missing.md) [bad anchor](other.md#nothing)\n"
        "`[in code](nowhere.md)`\n```\n[in a block](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert _broken(page) == [
        "images/old.png: no such file",
        "missing.md: no such file",
        "other.md#nothing: no heading #nothing in other.md",
    ]


def test_documentation_named_in_the_code_exists() -> None:
    """Messages say where to read on (e.g. docs/several-pcs.md); that file must be there."""
    named = set()
    for folder in ("explorer", "tests", ".ci", "packaging"):
        for source in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"docs/[\w./-]+?\.md", source.read_text(encoding="utf-8")))
    assert named, "no documentation named in the code"
    assert sorted(n for n in named if not (ROOT / n).is_file()) == []
