"""Knowledge-base use cases: open the knowledge base, build, import, export, validate.

Each use case owns its transaction. Nothing here touches the clinic database (which
:mod:`explorer.services.clinic_db` opens, upgrades and restores; :mod:`.stores` opens both).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from explorer.errors import UserFacingError
from explorer.fileio import atomic_write_bytes
from explorer.kb.files import content_fingerprint
from explorer.paths import knowledge_content_dir
from explorer.services.knowledge_problem import KnowledgeDatabaseProblem
from explorer.services.private_data import prepare_data_dir
from explorer.store.backend import (
    BUSY_TIMEOUT_MS,
    Backend,
    advisory_lock,
    migrate,
    snapshot_reader,
    writer,
)
from explorer.store.fastpath import SHIPPED_ORIGIN
from explorer.store.kb_reader import KnowledgeReader
from explorer.store.network_share import refuse_network_share
from explorer.store.problems import DatabaseProblem
from explorer.store.sqlite_copy import set_aside
from explorer.store.sqlite_files import check_sqlite_file, dangling_link, make_private, problem_of

if TYPE_CHECKING:  # pydantic and the writer load only when content is (re)loaded
    from explorer.kb.schema import KnowledgeDocument

log = logging.getLogger(__name__)

START_WAIT_MS = 60_000
"""How long a start waits for another process filling or migrating the same data folder."""


@dataclass
class KnowledgeStores:
    """The open knowledge base of one backend."""

    backend: Backend
    knowledge: Engine

    @property
    def data_dir(self) -> Path:
        return self.backend.data_dir

    def describe(self) -> str:
        """Which database is in use, for settings, About and ``explorer db info``."""
        return self.backend.describe()

    @contextmanager
    def knowledge_session(self) -> Iterator[Session]:
        """A session for reading: all its queries see one snapshot. (SQLite's transaction
        is one already; PostgreSQL's default takes a new one per statement, so a knowledge
        base replaced by another PC mid-read would mix the document of one version with the
        treatments of another.)"""
        with Session(snapshot_reader(self.knowledge)) as session:
            yield session

    def repository(self, session: Session) -> KnowledgeReader:
        return KnowledgeReader.over_session(session)

    def close(self) -> None:
        self.knowledge.dispose()


def open_knowledge(
    backend: Backend, *, refresh_shipped: bool = True, rebuild_damaged: bool = False
) -> KnowledgeStores:
    """Open (creating and migrating as needed) the knowledge base of ``backend``.

    On first start it is filled from the shipped content; later, a knowledge base built
    from shipped content is rebuilt when the shipped files change. One imported from a
    file is left alone. A damaged file raises :class:`KnowledgeDatabaseProblem`; with
    ``rebuild_damaged`` it is kept aside as ``knowledge.sqlite.damaged-<time>`` and a new
    one is built from the shipped content (never for a file locked by another program).
    """
    prepare_data_dir(backend.data_dir)
    path = backend.file("knowledge")
    if path is not None:  # a file in the data folder: checked before an engine touches it
        refuse_network_share(backend.data_dir)
        try:
            check_sqlite_file(path)
            migrate.check_file_kind(path, "knowledge")  # swapped or foreign: set aside, rebuild
        except DatabaseProblem as exc:
            problem = KnowledgeDatabaseProblem(exc)
            if not rebuild_damaged or not problem.rebuildable:
                raise problem from exc
            _set_damaged_aside(path)
            refresh_shipped = True
        make_private(path)
    stores = KnowledgeStores(backend, backend.engine("knowledge"))
    try:
        backend.upgrade(stores.knowledge, "knowledge")
        _derive_again(stores)
        if refresh_shipped:
            _refresh_from_shipped(stores)
    except BaseException:
        stores.close()
        raise
    return stores


def _set_damaged_aside(path: Path) -> None:
    try:
        if dangling_link(path):  # rebuildable content: a new file in place of the link
            path.unlink()  # the link only, never what it points to
            log.warning("knowledge base %s was a link to a missing file; rebuilt", path)
            return
        kept = set_aside(path, f"damaged-{dt.datetime.now():%Y-%m-%dT%H%M%S}")
        path.unlink(missing_ok=True)  # set_aside may have hard-linked it
    except OSError as exc:
        raise problem_of(path, exc) from exc
    log.warning("knowledge base %s was damaged; kept as %s and rebuilt", path, kept)


def _refresh_from_shipped(stores: KnowledgeStores) -> None:
    content = knowledge_content_dir()
    fingerprint = content_fingerprint(content)
    shipped = _version_key(_shipped_version(content))

    def outdated(session: Session) -> bool:
        header = KnowledgeReader.over_session(session).header()
        if header is None:
            return True
        origin, stored_fingerprint, kb_version = header[2], header[3], header[4]
        if origin != SHIPPED_ORIGIN or stored_fingerprint == fingerprint:
            return False
        # Never back to older content: on a shared server, a PC with an older application
        # must not replace what a newer one loaded for every PC.
        if shipped < _version_key(kb_version):
            log.warning(
                "the knowledge base in use (%s) is newer than this application's; update this PC",
                kb_version,
            )
            return False
        return True

    with stores.knowledge_session() as session:
        if not outdated(session):
            return
    from explorer.kb.validate import load_document

    log.info("loading shipped knowledge base from %s", content)
    # Several windows starting at once on a new data folder: one fills the knowledge base,
    # the others wait for it (up to START_WAIT_MS) and then find it current.
    _replace(
        stores,
        load_document(content),
        origin=SHIPPED_ORIGIN,
        fingerprint=fingerprint,
        only_if=outdated,
        wait_ms=START_WAIT_MS,
    )


def _shipped_version(content: Path) -> str:
    import tomllib

    try:
        meta = tomllib.loads((content / "meta.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    table = meta.get("meta", meta)
    return str(table.get("kb_version", "")) if isinstance(table, dict) else ""


def _version_key(version: str) -> tuple[int, ...]:
    """'2026.11.2' → (2026, 11, 2); anything unreadable sorts first."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return ()


def _replace(
    stores: KnowledgeStores,
    doc: KnowledgeDocument,
    *,
    origin: str,
    fingerprint: str,
    only_if: Callable[[Session], bool] | None = None,
    wait_ms: int = BUSY_TIMEOUT_MS,
) -> None:
    """Replace the knowledge base in one immediate transaction; with ``only_if``, only
    when it still says so once the write lock is held."""
    from explorer.store.kb_tables import write_document

    data = doc.model_dump(mode="json")
    try:
        with Session(writer(stores.knowledge, wait_ms=wait_ms)) as session, session.begin():
            # on a server, the one write lock that BEGIN IMMEDIATE takes on SQLite
            advisory_lock(session.connection(), "replace knowledge base")
            if only_if is None or only_if(session):
                write_document(session.connection(), data, origin=origin, fingerprint=fingerprint)
    except OperationalError as exc:
        raise stores.backend.problem("knowledge", exc) from exc
    except IntegrityError as exc:  # validation should catch this first; never a traceback
        log.exception("knowledge base content violated a database constraint")
        raise UserFacingError(
            f"The content could not be stored ({exc.orig}); nothing was changed. "
            "Run `explorer kb validate` on the file and report this problem."
        ) from exc


def build(stores: KnowledgeStores, content_dir: Path | None = None) -> KnowledgeDocument:
    """Rebuild the knowledge base from content files (default: the shipped ``db/knowledge``)."""
    from explorer.kb.validate import load_document

    content = content_dir or knowledge_content_dir()
    doc = load_document(content)
    origin = SHIPPED_ORIGIN if content_dir is None else f"built from {content}"
    _replace(stores, doc, origin=origin, fingerprint=content_fingerprint(content))
    return doc


def import_file(stores: KnowledgeStores, path: Path) -> KnowledgeDocument:
    """Replace the knowledge base with a checked file; all or nothing."""
    from explorer.kb.files import read_content
    from explorer.kb.validate import validate_raw

    raw = read_content(path)  # raises ContentError before anything is touched
    doc = validate_raw(raw)
    # The fingerprint of the bytes that were checked, not of a second read of the file.
    fingerprint = raw.fingerprint or content_fingerprint(path)
    _replace(stores, doc, origin=f"imported from {path.name}", fingerprint=fingerprint)
    return doc


def export_document_of(stores: KnowledgeStores) -> KnowledgeDocument:
    """The stored document, validated on the way out (export → import → export is the
    identity)."""
    from pydantic import ValidationError

    from explorer.kb.schema import KnowledgeDocument

    with stores.knowledge_session() as session:
        data = KnowledgeReader.over_session(session).document_data()
    if data is None:
        raise LookupError("the knowledge base is empty")
    try:
        return KnowledgeDocument.model_validate(data)
    except ValidationError as exc:
        # Should not happen: only validated documents are stored, and older formats are
        # upgraded when opened. Say what is wrong rather than show a traceback.
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        log.error("knowledge base does not fit the export format: %s", fields)
        raise UserFacingError(
            f"The knowledge base cannot be exported: {len(fields)} field(s) are empty or "
            f"invalid, first {fields[0]}. Import a knowledge-base file again; `explorer kb "
            "validate FILE` lists what a file lacks."
        ) from exc


def document_json(doc: KnowledgeDocument) -> str:
    """The export format: the document as indented JSON, fields in schema order."""
    return doc.model_dump_json(indent=2) + "\n"


def export_json(stores: KnowledgeStores, out: Path) -> KnowledgeDocument:
    doc = export_document_of(stores)
    atomic_write_bytes(out, document_json(doc).encode("utf-8"))
    return doc


def _derive_again(stores: KnowledgeStores) -> None:
    """Summaries derived by another version of the application are derived again (from the
    stored treatments, which stay as they are)."""
    from explorer.domain.models import DERIVED_VERSION
    from explorer.store.kb_tables import derive_again

    with stores.knowledge_session() as session:
        header = KnowledgeReader.over_session(session).header()
    if header is None or header[1] == DERIVED_VERSION:
        return
    try:
        with Session(writer(stores.knowledge, wait_ms=START_WAIT_MS)) as session, session.begin():
            advisory_lock(session.connection(), "replace knowledge base")
            if derive_again(session.connection()):
                log.info("derived the catalog summaries of the knowledge base again")
    except OperationalError as exc:
        raise stores.backend.problem("knowledge", exc) from exc
