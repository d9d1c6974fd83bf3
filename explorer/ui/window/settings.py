"""Typed access to the window's memory (QSettings): geometry, splitter, condition, comparison.

Only UI memory lives here; anything clinically meaningful lives in the database.

The settings file is read like any other file from outside: every accessor returns a value
of its type within its bounds, and the default for anything else (a list where a word was
expected, a QSize where a list was, "maybe" for a yes/no, NaN minutes, a 10-MB name); a
settings file over :data:`MAX_SETTINGS_BYTES` is moved aside unread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from explorer.domain.comparison import MAX_COLUMNS
from explorer.domain.text import CONTROL_CHARACTERS, TextKind, clean_text

log = logging.getLogger(__name__)

MAX_SETTINGS_BYTES = 1024 * 1024
"""A settings file larger than this (ours is ~2 KB) is renamed ``*.too-large`` unread."""
MAX_STATE_BYTES = 64 * 1024
MAX_NAME = 200
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The one list of characters no text may hold, and line breaks: a stored name is one line.
_CONTROL = re.compile(f"{CONTROL_CHARACTERS.pattern}|[\t\n\x0c\r]")


def _set_aside_if_huge(settings: QSettings) -> bool:
    """Rename an oversized settings file (before anything reads it); True if it was."""
    name = settings.fileName()
    if settings.format() == QSettings.Format.NativeFormat and os.name == "nt":
        return False  # the registry: no file
    path = Path(name)
    try:
        size = path.stat().st_size
    except OSError:
        return False
    if size <= MAX_SETTINGS_BYTES:
        return False
    aside = path.with_name(path.name + ".too-large")
    try:
        os.replace(path, aside)
    except OSError:
        log.warning("settings file %s is %d bytes; it could not be moved aside", path, size)
        return False
    log.warning(
        "settings file %s was %d bytes; moved to %s, starting with defaults", path, size, aside
    )
    return True


def _make_private(path: str) -> None:
    """The settings file names the clinician and the last comparison: this user only."""
    if os.name != "posix" or not path or not os.path.isfile(path):
        return
    with contextlib.suppress(OSError):
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)


class UiSettings:
    """Wraps one QSettings; tests pass their own INI-format instance."""

    def __init__(self, settings: QSettings | None = None) -> None:
        if settings is None:
            settings = QSettings()
            if _set_aside_if_huge(settings):
                settings = QSettings()
        self._s = settings
        _make_private(self._s.fileName())

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        if not isinstance(value, QByteArray) or value.isEmpty():
            return None
        return value if value.size() <= MAX_STATE_BYTES else None

    def _text(self, key: str, limit: int = MAX_NAME) -> str:
        """A stored text: a string of at most ``limit`` characters without control
        characters, else empty."""
        value = self._s.value(key, "")
        if not isinstance(value, str) or len(value) > limit or _CONTROL.search(value):
            return ""
        return value

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    @property
    def splitter(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    @splitter.setter
    def splitter(self, value: QByteArray) -> None:
        self._s.setValue("window/splitter", value)

    @property
    def condition(self) -> str | None:
        value = self._text("explorer/condition", 80)
        return value if _SLUG.match(value) else None

    @condition.setter
    def condition(self, slug: str | None) -> None:
        self._s.setValue("explorer/condition", slug or "")

    @property
    def comparison(self) -> list[str]:
        """At most :data:`MAX_COLUMNS` slug-shaped words, without repeats."""
        value = self._s.value("explorer/comparison", "")
        if isinstance(value, str):
            parts = value[:10_000].split(",")
        elif isinstance(value, list):  # "a, b" in a hand-edited INI file reads as a list
            parts = [part for part in value[:100] if isinstance(part, str)]
        else:
            return []
        slugs: list[str] = []
        for part in (p.strip() for p in parts):
            if _SLUG.match(part) and len(part) <= 80 and part not in slugs:
                slugs.append(part)
        return slugs[:MAX_COLUMNS]

    @comparison.setter
    def comparison(self, slugs: list[str]) -> None:
        self._s.setValue("explorer/comparison", ",".join(slugs))

    @property
    def plain(self) -> bool:
        value = self._s.value("explorer/plain", False)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    @plain.setter
    def plain(self, value: bool) -> None:
        self._s.setValue("explorer/plain", value)

    @property
    def clinician(self) -> str:
        """The clinician's name for new consults on this PC."""
        return clean_text(self._text("consult/clinician"), TextKind.LABEL)

    @clinician.setter
    def clinician(self, name: str) -> None:
        self._s.setValue("consult/clinician", clean_text(name, TextKind.LABEL))

    @property
    def clinic_name(self) -> str:
        """Printed in the header of every exported comparison."""
        return clean_text(self._text("consult/clinic_name"), TextKind.LABEL)

    @clinic_name.setter
    def clinic_name(self, name: str) -> None:
        self._s.setValue("consult/clinic_name", clean_text(name, TextKind.LABEL))

    def _minutes(self, key: str, default: float) -> float:
        """A stored number of minutes; anything unreadable or out of range gives the default."""
        raw = self._s.value(key, default)
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            return default
        try:
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            return default
        return value if 0.5 <= value <= 240 else default

    @property
    def patient_idle_minutes(self) -> float:
        """Patient mode returns to its welcome screen after this long without input."""
        return self._minutes("access/patient_idle_minutes", 3)

    @patient_idle_minutes.setter
    def patient_idle_minutes(self, minutes: float) -> None:
        self._s.setValue("access/patient_idle_minutes", minutes)

    @property
    def clinician_lock_minutes(self) -> float:
        """Clinician mode locks consult notes after this long without input."""
        return self._minutes("access/clinician_lock_minutes", 5)

    @clinician_lock_minutes.setter
    def clinician_lock_minutes(self, minutes: float) -> None:
        self._s.setValue("access/clinician_lock_minutes", minutes)

    def sync(self) -> None:
        self._s.sync()
        _make_private(self._s.fileName())
