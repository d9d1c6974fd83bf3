"""One switch between clinician and plain words that every page follows.

An evented model in the spirit of napari's: the window owns one :class:`WordingModel`, the
plain-language action sets it, and each page subscribes once instead of being told one by
one. Patient mode uses :meth:`WordingModel.fixed_plain`: plain words that cannot be switched.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal


class WordingModel(QObject):
    """``sig_changed(plain)`` fires when the wording changes (not when set to what it is)."""

    sig_changed = Signal(bool)

    def __init__(
        self, plain: bool = False, *, fixed: bool = False, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._plain = plain
        self._fixed = fixed

    @classmethod
    def fixed_plain(cls, parent: QObject | None = None) -> WordingModel:
        """Patient mode: plain words, always."""
        return cls(True, fixed=True, parent=parent)

    @property
    def plain(self) -> bool:
        return self._plain

    @property
    def fixed(self) -> bool:
        return self._fixed

    def set_plain(self, plain: bool) -> None:
        if plain == self._plain:
            return
        if self._fixed:
            raise ValueError("this wording is fixed (patient mode shows plain words only)")
        self._plain = plain
        self.sig_changed.emit(plain)

    def subscribe(self, follow: Callable[[bool], object]) -> None:
        """Call ``follow(plain)`` now and on every change."""
        follow(self._plain)
        self.sig_changed.connect(follow)
