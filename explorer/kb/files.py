"""Reading knowledge-base content from disk, defensively.

Two shapes are accepted: a directory laid out like ``db/knowledge/`` (TOML files,
for humans and diffs) and a single JSON file (``explorer kb export``). Both become
one plain ``dict`` with the :class:`~explorer.kb.schema.KnowledgeDocument` layout,
plus a map from each entry to the file it came from, so errors can name the file.
Nothing here trusts its input: size, encoding, nesting and duplicate keys are all
checked before the structure is.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.kb.errors import ContentError, Problem

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_NESTING = 32
LIST_SECTIONS = ("conditions", "sources", "treatments", "statistics", "pathway", "glossary", "faq")
# TOML files in a content directory: file (or folder of files) -> section and array key.
_DIRECTORY_LAYOUT: tuple[tuple[str, str, str], ...] = (
    ("conditions.toml", "conditions", "conditions"),
    ("sources", "sources", "sources"),
    ("statistics.toml", "statistics", "statistics"),
    ("pathway.toml", "pathway", "steps"),
    ("glossary.toml", "glossary", "terms"),
    ("faq.toml", "faq", "questions"),
)


@dataclass
class RawContent:
    """Content as read, before validation; ``origins[section][i]`` is entry i's file."""

    data: dict[str, Any]
    origins: dict[str, list[str]] = field(default_factory=dict)
    default_origin: str = ""

    def origin(self, section: str, index: int | None) -> str:
        files = self.origins.get(section, [])
        if index is not None and 0 <= index < len(files):
            return files[index]
        return self.default_origin


def read_content(path: Path) -> RawContent:
    """Read a content directory or a JSON file; raise :class:`ContentError` if unreadable."""
    if path.is_dir():
        return _read_directory(path)
    if not path.exists():
        raise ContentError([Problem(str(path), "", "", "file not found")])
    return _read_json_file(path)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ContentError(
                [
                    Problem(
                        str(path),
                        "",
                        "",
                        f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes",
                    )
                ]
            )
        return path.read_bytes()
    except OSError as exc:
        raise ContentError(
            [Problem(str(path), "", "", f"cannot read file: {exc.strerror}")]
        ) from exc


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise ContentError([Problem(str(path), "", "", "binary data, not a text file")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [
                Problem(
                    str(path),
                    "",
                    "",
                    f"not UTF-8 text (byte {exc.start}: "
                    f"{raw[exc.start : exc.start + 1]!r}); save the file as UTF-8",
                )
            ]
        ) from exc


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _depth(value: Any, limit: int = MAX_NESTING) -> int:
    """Nesting depth of parsed JSON, computed iteratively (no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return level
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def _read_json_file(path: Path) -> RawContent:
    text = _decode(path, _read_bytes(path))
    name = str(path)
    if not text.strip():
        raise ContentError([Problem(name, "", "", "file is empty")])
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except _DuplicateKeyError as exc:
        raise ContentError([Problem(name, "", "", f"duplicate key {exc.key!r}")]) from exc
    except json.JSONDecodeError as exc:
        ends_open = not text.rstrip().endswith(("}", "]"))
        hint = " (the file looks truncated)" if ends_open else ""
        raise ContentError(
            [
                Problem(
                    name,
                    "",
                    "",
                    f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}",
                )
            ]
        ) from exc
    except RecursionError as exc:
        raise ContentError(
            [Problem(name, "", "", "nested too deeply to be a knowledge base")]
        ) from exc
    if _depth(data) > MAX_NESTING:
        raise ContentError([Problem(name, "", "", "nested too deeply to be a knowledge base")])
    if not isinstance(data, dict):
        raise ContentError(
            [
                Problem(
                    name, "", "", f"expected a JSON object at the top, found {type(data).__name__}"
                )
            ]
        )
    origins = {
        section: [name] * len(data[section])
        for section in LIST_SECTIONS
        if isinstance(data.get(section), list)
    }
    return RawContent(data=data, origins=origins, default_origin=name)


def _load_toml(path: Path) -> dict[str, Any]:
    text = _decode(path, _read_bytes(path))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError([Problem(str(path), "", "", f"not valid TOML: {exc}")]) from exc


def _toml_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(p for p in path.glob("*.toml") if p.is_file())
    elif path.is_file():
        yield path


def _read_directory(root: Path) -> RawContent:
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    origins: dict[str, list[str]] = {}

    def load(path: Path) -> dict[str, Any] | None:
        try:
            return _load_toml(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    meta_path = root / "meta.toml"
    if not meta_path.exists():
        problems.append(
            Problem(str(meta_path), "", "", "missing: every knowledge base needs meta.toml")
        )
    else:
        meta_doc = load(meta_path)
        if meta_doc is not None:
            data["meta"] = meta_doc.get("meta", meta_doc)

    for name, section, key in _DIRECTORY_LAYOUT:
        items: list[Any] = []
        files: list[str] = []
        for file in _toml_files(root / name):
            doc = load(file)
            if doc is None:
                continue
            unexpected = sorted(set(doc) - {key})
            if unexpected:
                problems.append(
                    Problem(
                        str(file),
                        "",
                        "",
                        f"unexpected top-level key(s) "
                        f"{', '.join(unexpected)}; expected [[{key}]] entries",
                    )
                )
            entries = doc.get(key, [])
            if not isinstance(entries, list):
                problems.append(Problem(str(file), "", key, "must be an array of tables"))
                continue
            items.extend(entries)
            files.extend([str(file)] * len(entries))
        data[section] = items
        origins[section] = files

    treatments: list[Any] = []
    treatment_files: list[str] = []
    for file in _toml_files(root / "treatments"):
        doc = load(file)
        if doc is not None:
            treatments.append(doc)
            treatment_files.append(str(file))
    data["treatments"] = treatments
    origins["treatments"] = treatment_files

    if problems:
        raise ContentError(problems)
    return RawContent(data=data, origins=origins, default_origin=str(root))


def content_fingerprint(root: Path) -> str:
    """SHA-256 over the names and bytes of every content file: cheap change detection."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*.toml") if p.is_file()):
        digest.update(file.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
