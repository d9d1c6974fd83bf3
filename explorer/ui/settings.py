"""Typed access to the window's memory (QSettings): geometry, splitter, condition, comparison.

Only UI memory lives here; anything clinically meaningful lives in the database.
"""

from __future__ import annotations

import contextlib
import os

from PySide6.QtCore import QByteArray, QSettings


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
        self._s = settings if settings is not None else QSettings()
        _make_private(self._s.fileName())

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

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
        value = self._s.value("explorer/condition", "")
        return str(value) or None

    @condition.setter
    def condition(self, slug: str | None) -> None:
        self._s.setValue("explorer/condition", slug or "")

    @property
    def comparison(self) -> list[str]:
        value = self._s.value("explorer/comparison", "")
        text = value if isinstance(value, str) else ",".join(value or [])
        return [slug for slug in text.split(",") if slug]

    @comparison.setter
    def comparison(self, slugs: list[str]) -> None:
        self._s.setValue("explorer/comparison", ",".join(slugs))

    @property
    def plain(self) -> bool:
        return bool(self._s.value("explorer/plain", False, type=bool))

    @plain.setter
    def plain(self, value: bool) -> None:
        self._s.setValue("explorer/plain", value)

    @property
    def clinician(self) -> str:
        """The clinician's name for new consults on this PC."""
        return str(self._s.value("consult/clinician", ""))

    @clinician.setter
    def clinician(self, name: str) -> None:
        self._s.setValue("consult/clinician", name)

    @property
    def clinic_name(self) -> str:
        """Printed in the header of every exported comparison."""
        return str(self._s.value("consult/clinic_name", ""))

    @clinic_name.setter
    def clinic_name(self, name: str) -> None:
        self._s.setValue("consult/clinic_name", name)

    def _minutes(self, key: str, default: float) -> float:
        """A stored number of minutes; anything unreadable or out of range gives the default."""
        try:
            value = float(self._s.value(key, default))
        except (TypeError, ValueError):
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
