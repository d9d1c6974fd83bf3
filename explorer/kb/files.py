"""Reading knowledge-base content from disk, defensively.

Two shapes are accepted: a directory laid out like ``db/knowledge/`` (TOML files,
for humans and diffs) and a single JSON file (``explorer kb export``). Both become
one plain ``dict`` with the :class:`~explorer.kb.schema.KnowledgeDocument` layout,
plus a map from each entry to the file it came from, so errors can name the file.
Nothing here trusts its input: size, encoding, nesting and duplicate keys are all
checked before the structure is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.kb.content_errors import ContentError, Problem

MAX_FILE_BYTES = 50 * 1024 * 1024
"""A knowledge-base JSON file (the shipped content exports to ~0.3 MB)."""
MAX_TOML_BYTES = 1024 * 1024
"""One TOML content file (the largest shipped one is ~40 KB)."""
MAX_DIRECTORY_BYTES = 50 * 1024 * 1024
MAX_DIRECTORY_FILES = 10_000
MAX_NESTING = 32
MAX_PROBLEMS = 200
"""At most this many problems are collected from one file; the count says how many more."""
# Control characters other than tab, line feed and carriage return, and the Unicode
# direction overrides and isolates (which can make text read differently from what it is).
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
LIST_SECTIONS = (
    "conditions",
    "sources",
    "treatments",
    "statistics",
    "pathway",
    "glossary",
    "faq",
    "red_flags",
)
# TOML files in a content directory: file (or folder of files) -> section and array key.
_DIRECTORY_LAYOUT: tuple[tuple[str, str, str], ...] = (
    ("conditions.toml", "conditions", "conditions"),
    ("sources", "sources", "sources"),
    ("statistics.toml", "statistics", "statistics"),
    ("pathway.toml", "pathway", "steps"),
    ("glossary.toml", "glossary", "terms"),
    ("faq.toml", "faq", "questions"),
    ("red_flags.toml", "red_flags", "red_flags"),
)


@dataclass
class RawContent:
    """Content as read, before validation; ``origins[section][i]`` is entry i's file."""

    data: dict[str, Any]
    origins: dict[str, list[str]] = field(default_factory=dict)
    default_origin: str = ""
    fingerprint: str = ""
    """SHA-256 of the bytes that were read (a JSON file); empty for a directory."""

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


def _refuse(path: Path, message: str) -> ContentError:
    return ContentError([Problem(str(path), "", "", message)])


def _read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes: a regular file of at most ``limit`` bytes, read at most once.

    A device, pipe or socket (``/dev/zero``, a FIFO) is refused before it is read, and the
    read stops one byte past the limit, so a file that grows while it is read cannot
    exhaust memory either.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        # Checked before opening: opening a FIFO would wait for a writer.
        if not stat.S_ISREG(path.stat().st_mode):
            raise _refuse(path, "not a regular file (a device, pipe or socket?)")
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _refuse(path, "not a regular file (a device, pipe or socket?)")
            if info.st_size > limit:
                raise _refuse(path, f"file is {info.st_size:,} bytes; the limit is {limit:,} bytes")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _refuse(path, f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise _refuse(path, f"file grew past the limit of {limit:,} bytes while being read")
    return data


def _looks_like_utf16(raw: bytes) -> bool:
    """A UTF-16 byte-order mark, or ASCII text with every other byte zero (no mark)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:64] if len(raw) % 2 == 0 else raw[:-1][:64]
    if len(head) < 2:
        return False
    even, odd = head[0::2], head[1::2]
    return (not any(even) and all(odd)) or (not any(odd) and all(even))


def _decode(path: Path, raw: bytes) -> str:
    if _looks_like_utf16(raw):
        raise _refuse(path, "UTF-16 text, not UTF-8; save the file as UTF-8")
    if b"\x00" in raw:
        raise _refuse(path, "binary data, not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            path,
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r}); "
            "save the file as UTF-8",
        ) from exc


def forbidden_characters(data: Any, limit: int = MAX_PROBLEMS) -> list[tuple[str, str]]:
    """``(where, character)`` for each text (key or value) holding a control character or
    a direction override, found iteratively (no recursion limit); at most ``limit``."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack and len(found) < limit:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                inner = f"{where}.{key}" if where else str(key)
                match = _FORBIDDEN_CHARS.search(key) if isinstance(key, str) else None
                if match:
                    found.append((inner, match.group()))
                stack.append((inner, value))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", value) for i, value in enumerate(item))
        elif isinstance(item, str):
            match = _FORBIDDEN_CHARS.search(item)
            if match:
                found.append((where, match.group()))
    return found


def _character_problems(name: str, data: Any) -> list[Problem]:
    return [
        Problem(
            name,
            "",
            where,
            f"contains the control character U+{ord(char):04X}; remove it (only tab and "
            "line breaks are allowed in text)",
        )
        for where, char in sorted(forbidden_characters(data))
    ]


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


def _refuse_constant(name: str) -> Any:
    raise _NotANumberError(name)


class _NotANumberError(ValueError):
    def __init__(self, constant: str) -> None:
        super().__init__(constant)
        self.constant = constant


def _read_json_file(path: Path) -> RawContent:
    raw = _read_bytes(path)
    text = _decode(path, raw)
    name = str(path)
    if not text.strip():
        raise ContentError([Problem(name, "", "", "file is empty")])
    try:
        data = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_refuse_constant
        )
    except _DuplicateKeyError as exc:
        raise ContentError([Problem(name, "", "", f"duplicate key {exc.key!r}")]) from exc
    except _NotANumberError as exc:
        raise ContentError(
            [Problem(name, "", "", f"{exc.constant} is not a number JSON allows; use a number")]
        ) from exc
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
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise ContentError(
            [Problem(name, "", "", "not valid JSON: a number with more than 4,300 digits")]
        ) from exc
    if _depth(data) > MAX_NESTING:
        raise ContentError([Problem(name, "", "", "nested too deeply to be a knowledge base")])
    characters = _character_problems(name, data)
    if characters:
        raise ContentError(characters)
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
    return RawContent(
        data=data,
        origins=origins,
        default_origin=name,
        fingerprint=hashlib.sha256(raw).hexdigest(),
    )


# A TOML key or table header with more dots than this nests too deeply: refused before
# parsing (tomllib takes ~20 s over a 200-KB header of 100,000 dotted parts).
_TOML_KEY = re.compile(r"^[ \t]*(\[\[?[^\]\n]*|[^=\n]*=)", re.MULTILINE)


def _load_toml(path: Path) -> dict[str, Any]:
    text = _decode(path, _read_bytes(path, MAX_TOML_BYTES))
    name = str(path)
    if any(m.group(1).count(".") > MAX_NESTING for m in _TOML_KEY.finditer(text)):
        raise _refuse(path, "nested too deeply to be a knowledge base")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _refuse(path, f"not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise _refuse(path, "nested too deeply to be a knowledge base") from exc
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise _refuse(path, f"not a value a knowledge base can hold: {exc}") from exc
    if _depth(data) > MAX_NESTING:
        raise _refuse(path, "nested too deeply to be a knowledge base")
    characters = _character_problems(name, data)
    if characters:
        raise ContentError(characters)
    return data


def _toml_files(path: Path) -> Iterator[Path]:
    """The TOML files of a section. Anything that is not a regular file (a FIFO, a device,
    a broken link) is yielded too, so that reading it refuses it instead of skipping it."""
    if path.is_dir():
        yield from sorted(p for p in path.glob("*.toml") if not p.is_dir())
    elif path.exists() or path.is_symlink():
        yield path


def _read_directory(root: Path) -> RawContent:
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    origins: dict[str, list[str]] = {}
    read = {"files": 0, "bytes": 0}

    def load(path: Path) -> dict[str, Any] | None:
        read["files"] += 1
        with contextlib.suppress(OSError):  # an unreadable file is reported by _load_toml
            read["bytes"] += path.stat().st_size
        if read["files"] > MAX_DIRECTORY_FILES or read["bytes"] > MAX_DIRECTORY_BYTES:
            raise _refuse(
                root,
                f"more than {MAX_DIRECTORY_FILES:,} files or {MAX_DIRECTORY_BYTES:,} bytes "
                "of content; not a knowledge base",
            )
        try:
            return _load_toml(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            if len(problems) >= MAX_PROBLEMS:
                raise ContentError(problems) from None
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
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*.toml") if p.is_file()):
        digest.update(file.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        with file.open("rb") as handle:  # in chunks: the same digest, bounded memory
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()
