"""Opening the knowledge base off the GUI thread."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from explorer.paths import log_dir

if TYPE_CHECKING:
    from explorer.store.backend import Backend

log = logging.getLogger(__name__)


class KnowledgeLoader(QObject):
    """Opens the knowledge base off the GUI thread and hands back domain objects by signal.

    ``sig_damaged`` carries a damaged knowledge base's problem (the window offers a
    rebuild; a full, read-only or busy one goes to ``sig_failed``: a rebuild would not
    help); with ``rebuild_damaged`` the loader itself keeps a damaged file aside and
    rebuilds it from the shipped content.
    """

    sig_loaded = Signal(object, object)
    sig_failed = Signal(str)
    sig_damaged = Signal(object)
    sig_not_private = Signal(str)
    """What could not be made private to this user (said once, and logged)."""

    def __init__(
        self, backend: Backend, prefetch: list[str] | None = None, *, rebuild_damaged: bool = False
    ) -> None:
        super().__init__()
        self._backend = backend
        self._data_dir = backend.data_dir
        self._prefetch = list(prefetch or [])
        self._rebuild_damaged = rebuild_damaged
        self.service = None

    def start(self) -> None:
        threading.Thread(target=self._load, name="knowledge-loader", daemon=True).start()

    def _load(self) -> None:
        from explorer.errors import UserFacingError
        from explorer.kb.content_errors import ContentError
        from explorer.services.explorer_data import open_service
        from explorer.services.knowledge_problem import KnowledgeDatabaseProblem
        from explorer.services.private_data import make_data_private

        try:  # every start, before the data is read (docs/privacy.md)
            not_private = make_data_private(self._backend)
        except Exception:  # never keeps the window from starting
            log.exception("could not make the data folder private")
        else:
            if not_private is not None:
                log.warning("%s", not_private)
                self.sig_not_private.emit(not_private)
        try:
            self.service = open_service(self._backend, rebuild_damaged=self._rebuild_damaged)
            snapshot = self.service.snapshot()
            self.service.treatments(self._prefetch)  # warm the cache for the restored comparison
        except KnowledgeDatabaseProblem as exc:
            log.exception("the knowledge base cannot be opened")
            if exc.rebuildable:
                self.sig_damaged.emit(exc)
            else:  # busy, full, read-only, forbidden: a rebuild would not help
                self.sig_failed.emit(str(exc))
            return
        except (UserFacingError, ContentError) as exc:
            log.exception("could not open the data directory")
            self.sig_failed.emit(str(exc))
            return
        except Exception as exc:  # reported to the user; the traceback goes to the log
            log.exception("unexpected error while opening the data directory")
            self.sig_failed.emit(
                f"Unexpected error: {exc}. Details are in the log file in "
                f"{log_dir(self._data_dir)}."
            )
            return
        self.sig_loaded.emit(self.service, snapshot)
