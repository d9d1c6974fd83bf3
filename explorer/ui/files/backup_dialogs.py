"""The restore dialog: which backup to put back, and — when the clinic database cannot be
opened — what is wrong with it and where it is.

One dialog serves both File → Restore from backup… and the start-up offer. The newest good
backup is selected; backups newer than it failed their check and cannot be chosen. The
dialog only asks; :class:`explorer.ui.files.backup_controller.BackupController` does the restore.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from explorer.services.backup import Backup


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "?"
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, size // 1000)} kB"


class RestoreDialog(QDialog):
    """Choose a backup to restore. ``sig_restore(path)`` when chosen; ``sig_retry`` for
    "Try again" (offered when the file is only locked by another program)."""

    sig_restore = Signal(object)
    sig_retry = Signal()
    clinic_data = False  # may be shown while locked: it shows no consult

    def __init__(
        self,
        backups: list[Backup],
        newest_good: Backup | None,
        folder: Path,
        *,
        problem: str | None = None,
        locked: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic data cannot be opened" if problem else "Restore from backup")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(84 * self.fontMetrics().averageCharWidth())
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.problem = QLabel(problem or "", self)
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # names files and folders
        self.problem.setFrameShape(QLabel.Shape.StyledPanel)
        self.problem.setMargin(6)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setVisible(problem is not None)
        layout.addWidget(self.problem)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Backups, newest first")
        layout.addWidget(self.list)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self._fill(backups, newest_good)
        row = self.list.sizeHintForRow(0) if backups else self.fontMetrics().height() + 4
        self.list.setFixedHeight(max(3, min(8, len(backups))) * row + 6)
        self.list.setVisible(bool(backups))
        self._set_texts(problem, locked, newest_good, folder)

        buttons = QHBoxLayout()
        self.choose_button = QPushButton("Choose a &file…", self)
        self.choose_button.clicked.connect(self._choose_file)
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        self.retry_button = QPushButton("&Try again", self)
        self.retry_button.setVisible(locked)
        self.retry_button.clicked.connect(self._retry)
        buttons.addWidget(self.retry_button)
        self.cancel_button = QPushButton("Not now" if problem else "Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.cancel_button)
        self.restore_button = QPushButton("&Restore this backup", self)
        self.restore_button.clicked.connect(self._restore_selected)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)
        default = self.retry_button if locked else self.restore_button
        default.setDefault(True)
        self.list.currentItemChanged.connect(self._update_button)
        self.list.itemDoubleClicked.connect(lambda _item: self._restore_selected())
        self._update_button()

    def _fill(self, backups: list[Backup], newest_good: Backup | None) -> None:
        unusable = newest_good is not None
        for backup in backups:
            if newest_good is not None and backup.path == newest_good.path:
                unusable = False  # newer ones failed their check; older ones are checked later
            text = f"{backup.describe()}  ·  {_size(backup.path)}"
            item = QListWidgetItem(text + ("  ·  damaged, cannot be used" if unusable else ""))
            item.setData(Qt.ItemDataRole.UserRole, backup.path)
            if unusable:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
            if newest_good is not None and backup.path == newest_good.path:
                self.list.setCurrentItem(item)

    def _set_texts(
        self, problem: str | None, locked: bool, newest_good: Backup | None, folder: Path
    ) -> None:
        kept = "damaged" if problem and not locked else "replaced"
        if problem is None:
            self.heading.setText("Restore clinic data from a backup")
        elif locked:
            self.heading.setText("The clinic database is in use by another program")
        else:
            self.heading.setText("The clinic database cannot be used")
        if newest_good is None:
            self.text.setText(
                f"No usable backup was found in {folder}. If the clinic keeps copies elsewhere "
                "(a USB disk, the PC's own backup), choose the file."
            )
        elif locked:
            self.text.setText(
                "Close the other program, then choose <b>Try again</b>. Restore a backup only "
                "if no other program should have the file open. Newest good backup: "
                f"<b>{newest_good.describe()}</b>."
            )
        else:
            self.text.setText(
                f"Newest good backup: <b>{newest_good.describe()}</b>. Restoring it puts "
                "your consults back as they were then."
            )
        self.note.setText(
            "Consults saved after the backup's time are not in it. Nothing is deleted: the "
            f"current file is kept beside it, renamed clinic.sqlite.{kept}-<date and time>."
        )

    def selected_path(self) -> Path | None:
        item = self.list.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        path = item.data(Qt.ItemDataRole.UserRole)
        return path if isinstance(path, Path) else None

    def _update_button(self, *_args: object) -> None:
        self.restore_button.setEnabled(self.selected_path() is not None)

    def _restore_selected(self) -> None:
        path = self.selected_path()
        if path is not None:
            self.accept()
            self.sig_restore.emit(path)

    def _retry(self) -> None:
        self.accept()
        self.sig_retry.emit()

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a backup of the clinic data",
            "",
            "SQLite databases (*.sqlite *.db);;All files (*)",
        )
        if name:
            self.accept()
            self.sig_restore.emit(Path(name))
