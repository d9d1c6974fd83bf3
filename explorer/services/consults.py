"""Consult use cases: start, save (with optimistic locking), find, follow up, delete/undo.

Every save is its own transaction on the clinic database (WAL, synchronous=FULL): when
``save`` returns, the text is on disk. Nothing here touches the knowledge base.

Each use case writes its audit row in the same transaction as the change: started,
opened, edited (once per editing session: from opening a consult until it is opened
again or :meth:`ConsultService.end_editing`), exported, deleted and restored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from explorer.domain.consult import PRIORITY_WORDS, REVIEW_AFTER_WEEKS, Consult, Decision
from explorer.domain.text import TextKind, clean_text, too_long
from explorer.errors import ConsultConflict, UserFacingError
from explorer.services.audit import AuditAction, audit_row
from explorer.store.backend import writer
from explorer.store.clinic_models import ConsultRow

__all__ = ["ConsultConflict", "ConsultNotFound", "ConsultService"]


class ConsultNotFound(UserFacingError):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _domain(row: ConsultRow) -> Consult:
    return Consult(
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        consult_date=row.consult_date,
        patient_label=row.patient_label,
        clinician=row.clinician,
        condition=row.condition_slug,
        treatments=tuple(row.treatment_slugs),
        priorities=tuple(row.priorities),
        priorities_note=row.priorities_note,
        notes_html=row.notes_html,
        plan=row.plan,
        review_date=row.review_date,
        decision=Decision(row.decision),
        chosen_treatment=row.chosen_treatment,
        follow_up_of=row.follow_up_of,
        deleted=row.deleted_at is not None,
        version=row.version,
    )


class ConsultService:
    """Consults in one clinic database."""

    def __init__(self, clinic: Engine, *, clinician: str = "") -> None:
        self._engine = clinic
        self._writer = writer(clinic)
        self.clinician = clinician
        """Who is acting (for the audit log): the clinician named in this PC's settings."""
        self._edited: set[int] = set()

    def _audit(
        self, session: Session, action: AuditAction, consult_id: int | None, detail: str = ""
    ) -> None:
        session.add(audit_row(action, self.clinician, consult_id, detail))

    def open(self, consult_id: int) -> Consult:
        """Read a consult to show it (audited as opened; starts a new editing session)."""
        with Session(self._writer) as session, session.begin():
            row = session.get(ConsultRow, consult_id)
            if row is None:
                raise ConsultNotFound(f"Consult {consult_id} no longer exists.")
            self._audit(session, AuditAction.CONSULT_OPENED, consult_id)
            self._edited.discard(consult_id)
            return _domain(row)

    def end_editing(self) -> None:
        """The next save of any consult is audited as a new edit (e.g. after a lock)."""
        self._edited.clear()

    def record_export(self, consult_id: int, what: str) -> None:
        """Audit that a consult left the application (PDF export or print)."""
        printed = what.startswith("print")
        action = AuditAction.CONSULT_PRINTED if printed else AuditAction.CONSULT_EXPORTED
        with Session(self._writer) as session, session.begin():
            self._audit(session, action, consult_id, what)

    def start(
        self,
        *,
        condition: str | None,
        treatments: list[str],
        clinician: str = "",
        patient_label: str = "",
        today: dt.date | None = None,
        follow_up_of: int | None = None,
        priorities: tuple[str, ...] = (),
        priorities_note: str = "",
    ) -> Consult:
        """A new consult from the current comparison, saved at once."""
        date = today or dt.date.today()
        now = _now()
        row = ConsultRow(
            created_at=now,
            updated_at=now,
            consult_date=date,
            patient_label=clean_text(patient_label, TextKind.LABEL),
            clinician=clean_text(clinician, TextKind.LABEL),
            condition_slug=condition,
            treatment_slugs=list(dict.fromkeys(treatments)),
            priorities=list(priorities),
            priorities_note=clean_text(priorities_note, TextKind.NOTE),
            notes_html="",
            plan="",
            review_date=date + dt.timedelta(weeks=REVIEW_AFTER_WEEKS),
            decision=Decision.UNDECIDED.value,
            follow_up_of=follow_up_of,
            version=1,
        )
        with Session(self._writer) as session, session.begin():
            session.add(row)
            session.flush()
            detail = f"follow-up of consult {follow_up_of}" if follow_up_of else ""
            self._audit(session, AuditAction.CONSULT_STARTED, row.id, detail)
            self._edited.discard(row.id)
            return _domain(row)

    def save(self, consult: Consult) -> Consult:
        """Write ``consult``; returns it at its new version.

        Raises :class:`ConsultConflict` if another window or PC saved it since it was read.
        """
        unknown = [p for p in consult.priorities if p not in PRIORITY_WORDS]
        if unknown:
            raise UserFacingError(f"Unknown priority: {', '.join(unknown)}")
        if too_long(consult.notes_html, TextKind.NOTES):
            raise UserFacingError(
                f"The notes are over {TextKind.NOTES.limit:,} characters and were not saved; "
                "they are still on screen. Move part of them to a file, or shorten them."
            )
        saved_at = _now()
        values = {
            "updated_at": saved_at,
            "consult_date": consult.consult_date,
            "patient_label": clean_text(consult.patient_label, TextKind.LABEL),
            "clinician": clean_text(consult.clinician, TextKind.LABEL),
            "condition_slug": consult.condition,
            "treatment_slugs": list(dict.fromkeys(consult.treatments)),
            "priorities": list(consult.priorities),
            "priorities_note": clean_text(consult.priorities_note, TextKind.NOTE),
            "notes_html": clean_text(consult.notes_html, TextKind.NOTES),
            "plan": clean_text(consult.plan, TextKind.NOTE),
            "review_date": consult.review_date,
            "decision": consult.decision.value,
            "chosen_treatment": consult.chosen_treatment,
            "version": consult.version + 1,
        }
        with Session(self._writer) as session, session.begin():
            result = session.execute(
                update(ConsultRow)
                .where(ConsultRow.id == consult.id, ConsultRow.version == consult.version)
                .values(**values)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                exists = session.get(ConsultRow, consult.id)
                if exists is None:
                    raise ConsultNotFound(f"Consult {consult.id} no longer exists.")
                raise ConsultConflict(
                    f"This consult was changed elsewhere (version {exists.version}); your text "
                    "was kept and nothing was overwritten."
                )
            if consult.id not in self._edited:
                self._audit(session, AuditAction.CONSULT_EDITED, consult.id)
        self._edited.add(consult.id)
        return replace(consult, version=consult.version + 1, updated_at=saved_at)

    def save_as_copy(self, consult: Consult) -> Consult:
        """Keep both texts after a conflict: ``consult`` as it is on screen becomes a new
        consult (a follow-up of the one changed elsewhere, which stays as it is)."""
        copy = self.start(
            condition=consult.condition,
            treatments=list(consult.treatments),
            clinician=consult.clinician,
            patient_label=consult.patient_label,
            today=consult.consult_date,
            follow_up_of=consult.id,
            priorities=consult.priorities,
            priorities_note=consult.priorities_note,
        )
        return self.save(
            replace(
                copy,
                notes_html=consult.notes_html,
                plan=consult.plan,
                review_date=consult.review_date,
                decision=consult.decision,
                chosen_treatment=consult.chosen_treatment,
            )
        )

    def get(self, consult_id: int) -> Consult | None:
        with Session(self._engine) as session:
            row = session.get(ConsultRow, consult_id)
            return None if row is None else _domain(row)

    def search(
        self, text: str = "", *, include_deleted: bool = False, limit: int = 500
    ) -> list[Consult]:
        """Newest first; ``text`` matches the label, the condition or the date (YYYY-MM-DD).

        The words are matched in Python (``casefold``), not with SQL ``LIKE``: SQLite's
        LIKE ignores case for ASCII only, PostgreSQL's ILIKE by the server's locale, and
        the same search must find the same consults on both engines ("é" finds "Émile").
        Only the few short columns needed are read for the match.
        """
        order = (ConsultRow.consult_date.desc(), ConsultRow.id.desc())
        keys = select(
            ConsultRow.id,
            ConsultRow.patient_label,
            ConsultRow.condition_slug,
            ConsultRow.consult_date,
        ).order_by(*order)
        if not include_deleted:
            keys = keys.where(ConsultRow.deleted_at.is_(None))
        needle = text.strip().casefold()
        day = _parse_date(text.strip())
        with Session(self._engine) as session:
            ids: list[int] = []
            for cid, label, condition, date in session.execute(keys):
                if (
                    not needle
                    or needle in label.casefold()
                    or needle in (condition or "").casefold()
                    or date == day
                ):
                    ids.append(cid)
                    if len(ids) >= limit:
                        break
            if not ids:
                return []
            rows = session.scalars(
                select(ConsultRow).where(ConsultRow.id.in_(ids)).order_by(*order)
            )
            return [_domain(r) for r in rows]

    def duplicate_as_follow_up(self, consult_id: int, today: dt.date | None = None) -> Consult:
        """A new consult with the same label, condition, treatments and priorities."""
        original = self.get(consult_id)
        if original is None:
            raise ConsultNotFound(f"Consult {consult_id} no longer exists.")
        return self.start(
            condition=original.condition,
            treatments=list(original.treatments),
            clinician=original.clinician,
            patient_label=original.patient_label,
            today=today,
            follow_up_of=original.id,
            priorities=original.priorities,
            priorities_note=original.priorities_note,
        )

    def delete(self, consult_id: int) -> None:
        """Mark deleted (undo possible with :meth:`undo_delete`)."""
        self._set_deleted(consult_id, _now(), AuditAction.CONSULT_DELETED)

    def undo_delete(self, consult_id: int) -> None:
        self._set_deleted(consult_id, None, AuditAction.CONSULT_RESTORED)

    def _set_deleted(self, consult_id: int, when: dt.datetime | None, action: AuditAction) -> None:
        with Session(self._writer) as session, session.begin():
            # Locked for this transaction: on PostgreSQL a save committed between this read
            # and the write below would otherwise keep its version, and its window would go
            # on saving into the deleted consult (SQLite's BEGIN IMMEDIATE already excludes it).
            row = session.get(ConsultRow, consult_id, with_for_update=True)
            if row is None:
                raise ConsultNotFound(f"Consult {consult_id} no longer exists.")
            if (row.deleted_at is None) == (when is None):
                return  # already so: nothing changes, nothing to audit
            row.deleted_at = when
            row.version += 1  # a window still editing it gets a conflict, not a silent save
            self._audit(session, action, consult_id)


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
