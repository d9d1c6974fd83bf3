"""Write a checked :class:`KnowledgeDocument` into the database, and read it back out.

``replace_content`` swaps the whole knowledge base inside the caller's transaction,
so an import either lands completely or not at all. ``export_document`` rebuilds
the document from the rows, in the original order, so export → import → export is
the identity.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from explorer.domain.vocab import Certainty
from explorer.kb import schema as s
from explorer.store.models import (
    ConditionRow,
    FaqRow,
    FaqSource,
    FindingRow,
    FindingSource,
    GlossaryRow,
    GuidelineRow,
    GuidelineSource,
    HarmRow,
    HarmSource,
    KbMeta,
    PathwaySource,
    PathwayStepRow,
    SourceRow,
    StatisticRow,
    TreatmentCondition,
    TreatmentRow,
)

# Children before parents, so foreign keys never block the wipe.
_WIPE_ORDER = (
    FindingSource,
    HarmSource,
    GuidelineSource,
    PathwaySource,
    FaqSource,
    FindingRow,
    HarmRow,
    GuidelineRow,
    TreatmentCondition,
    StatisticRow,
    PathwayStepRow,
    GlossaryRow,
    FaqRow,
    TreatmentRow,
    SourceRow,
    ConditionRow,
    KbMeta,
)


def replace_content(
    session: Session, doc: s.KnowledgeDocument, *, origin: str, fingerprint: str
) -> None:
    """Replace everything in the knowledge base with ``doc`` (caller commits)."""
    for table in _WIPE_ORDER:
        session.execute(delete(table))
    session.flush()

    m = doc.meta
    session.add(
        KbMeta(
            id=1,
            kb_version=m.kb_version,
            title=m.title,
            last_reviewed=m.last_reviewed,
            evidence_current_to=m.evidence_current_to,
            update_policy=m.update_policy,
            funding=m.funding,
            conflicts_of_interest=m.conflicts_of_interest,
            authorship=m.authorship,
            reading_level=m.reading_level,
            disclaimer=m.disclaimer,
            content_origin=origin[:400],
            content_fingerprint=fingerprint,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
    )
    conditions = {}
    for i, c in enumerate(doc.conditions):
        conditions[c.slug] = ConditionRow(
            slug=c.slug,
            position=i,
            name=c.name,
            plain_name=c.plain_name,
            description=c.description,
            plain_description=c.plain_description,
        )
    sources = {}
    for i, src in enumerate(doc.sources):
        sources[src.id] = SourceRow(
            key=src.id,
            position=i,
            kind=src.kind.value,
            peer_reviewed=src.peer_reviewed,
            industry_link=src.industry_link,
            citation=src.citation,
            year=src.year,
            pmid=src.pmid,
            doi=src.doi,
            url=src.url,
            note=src.note,
        )
    session.add_all([*conditions.values(), *sources.values()])
    session.flush()

    def link(table: type, owner_id: int, keys: list[str]) -> None:
        session.add_all(
            table(owner_id=owner_id, source_id=sources[key].id, position=j)
            for j, key in enumerate(keys)
        )

    for i, t in enumerate(doc.treatments):
        tf = t.timeframe
        row = TreatmentRow(
            slug=t.slug,
            position=i,
            name=t.name,
            plain_name=t.plain_name,
            category=t.category,
            approach=t.approach.value,
            invasiveness=t.invasiveness.value,
            synonyms=list(t.synonyms),
            mechanism=t.mechanism,
            plain_mechanism=t.plain_mechanism,
            plain_summary=t.plain_summary,
            delivered_by=t.delivered_by,
            plain_delivered_by=t.plain_delivered_by,
            patient_commitment=t.patient_commitment,
            onset_weeks_min=tf.onset_weeks_min,
            onset_weeks_max=tf.onset_weeks_max,
            course=tf.course,
            plain_course=tf.plain_course,
            duration_of_effect=tf.duration_of_effect,
            plain_duration_of_effect=tf.plain_duration_of_effect,
            duration_weeks_min=tf.duration_weeks_min,
            duration_weeks_max=tf.duration_weeks_max,
            timeframe_note=tf.note,
            regulatory_note=t.regulatory_note,
            plain_regulatory_note=t.plain_regulatory_note,
            last_reviewed=t.last_reviewed,
        )
        row.condition_links = [
            TreatmentCondition(condition=conditions[slug], position=j)
            for j, slug in enumerate(t.conditions)
        ]
        session.add(row)
        session.flush()
        for j, h in enumerate(t.harms):
            harm = HarmRow(
                treatment_id=row.id,
                position=j,
                description=h.description,
                plain_description=h.plain_description,
                frequency=h.frequency,
                plain_frequency=h.plain_frequency,
                serious=h.serious,
            )
            session.add(harm)
            session.flush()
            link(HarmSource, harm.id, h.sources)
        for j, g in enumerate(t.guidelines):
            guideline = GuidelineRow(
                treatment_id=row.id,
                position=j,
                body=g.body,
                stance=g.stance.value,
                text=g.position,
                plain_text=g.plain_position,
            )
            session.add(guideline)
            session.flush()
            link(GuidelineSource, guideline.id, g.sources)
        for j, f in enumerate(t.findings):
            e = f.estimate
            finding = FindingRow(
                treatment_id=row.id,
                condition_id=conditions[f.condition].id,
                position=j,
                outcome=f.outcome.value,
                comparison=f.comparison,
                certainty=f.certainty.value,
                certainty_rank=Certainty(f.certainty).rank,
                certainty_note=f.certainty_note,
                direction=f.direction.value,
                effect=f.effect,
                plain_effect=f.plain_effect,
                timepoint=f.timepoint,
                plain_timepoint=f.plain_timepoint,
                timepoint_weeks=f.timepoint_weeks,
                est_measure=e.measure if e else None,
                est_value=e.value if e else None,
                est_ci_low=e.ci_low if e else None,
                est_ci_high=e.ci_high if e else None,
                est_scale=e.scale if e else None,
                est_better=e.better if e else None,
                est_mcid=e.mcid if e else None,
                est_participants=e.participants if e else None,
                est_studies=e.studies if e else None,
            )
            session.add(finding)
            session.flush()
            link(FindingSource, finding.id, f.sources)

    for i, st in enumerate(doc.statistics):
        session.add(
            StatisticRow(
                key=st.id,
                position=i,
                label=st.label,
                plain_label=st.plain_label,
                plain_population=st.plain_population,
                value=st.value,
                value_low=st.value_low,
                value_high=st.value_high,
                unit=st.unit,
                denominator=st.denominator,
                of_people=st.of_people,
                population=st.population,
                timeframe=st.timeframe,
                source_id=sources[st.source].id,
                read_in_source_id=sources[st.read_in].id if st.read_in else None,
                note=st.note,
                seed_claim=st.seed_claim,
                verdict=st.verdict,
            )
        )
    for p in doc.pathway:
        step = PathwayStepRow(
            step=p.step,
            title=p.title,
            plain_title=p.plain_title,
            description=p.description,
            plain_description=p.plain_description,
            escalation_criteria=list(p.escalation_criteria),
            plain_escalation_criteria=list(p.plain_escalation_criteria),
            treatment_slugs=list(p.treatments),
        )
        session.add(step)
        session.flush()
        link(PathwaySource, step.id, p.sources)
    for i, entry in enumerate(doc.glossary):
        session.add(
            GlossaryRow(
                position=i,
                term=entry.term,
                definition=entry.definition,
                plain_definition=entry.plain_definition,
                synonyms=list(entry.synonyms),
                treatment_slugs=list(entry.treatments),
            )
        )
    for i, q in enumerate(doc.faq):
        faq = FaqRow(
            position=i,
            question=q.question,
            plain_question=q.plain_question,
            answer=q.answer,
            plain_answer=q.plain_answer,
        )
        session.add(faq)
        session.flush()
        link(FaqSource, faq.id, q.sources)
    session.flush()


def _keys(rows: list[SourceRow]) -> list[str]:
    return [r.key for r in rows]


def export_document(session: Session) -> s.KnowledgeDocument:
    """The knowledge base as a document, in its original order (validated on the way out)."""
    meta = session.get(KbMeta, 1)
    if meta is None:
        raise LookupError("the knowledge base is empty")
    treatments = session.scalars(
        select(TreatmentRow)
        .order_by(TreatmentRow.position)
        .options(
            selectinload(TreatmentRow.condition_links).selectinload(TreatmentCondition.condition),
            selectinload(TreatmentRow.harms).selectinload(HarmRow.sources),
            selectinload(TreatmentRow.guidelines).selectinload(GuidelineRow.sources),
            selectinload(TreatmentRow.findings).selectinload(FindingRow.sources),
            selectinload(TreatmentRow.findings).selectinload(FindingRow.condition),
        )
    ).all()
    meta_fields = (
        "kb_version",
        "title",
        "last_reviewed",
        "evidence_current_to",
        "update_policy",
        "funding",
        "conflicts_of_interest",
        "authorship",
        "reading_level",
        "disclaimer",
    )
    data: dict[str, Any] = {
        "meta": {name: getattr(meta, name) for name in meta_fields},
        "conditions": [
            {
                "slug": c.slug,
                "name": c.name,
                "plain_name": c.plain_name,
                "description": c.description,
                "plain_description": c.plain_description,
            }
            for c in session.scalars(select(ConditionRow).order_by(ConditionRow.position))
        ],
        "sources": [
            {
                "id": r.key,
                "kind": r.kind,
                "peer_reviewed": r.peer_reviewed,
                "industry_link": r.industry_link,
                "citation": r.citation,
                "year": r.year,
                "pmid": r.pmid,
                "doi": r.doi,
                "url": r.url,
                "note": r.note,
            }
            for r in session.scalars(select(SourceRow).order_by(SourceRow.position))
        ],
        "treatments": [_treatment(t) for t in treatments],
        "statistics": [
            {
                "id": r.key,
                "label": r.label,
                "plain_label": r.plain_label,
                "plain_population": r.plain_population,
                "value": r.value,
                "value_low": r.value_low,
                "value_high": r.value_high,
                "unit": r.unit,
                "denominator": r.denominator,
                "of_people": r.of_people,
                "population": r.population,
                "timeframe": r.timeframe,
                "source": r.source.key,
                "read_in": r.read_in.key if r.read_in else None,
                "note": r.note,
                "seed_claim": r.seed_claim,
                "verdict": r.verdict,
            }
            for r in session.scalars(select(StatisticRow).order_by(StatisticRow.position))
        ],
        "pathway": [
            {
                "step": r.step,
                "title": r.title,
                "plain_title": r.plain_title,
                "description": r.description,
                "plain_description": r.plain_description,
                "escalation_criteria": r.escalation_criteria,
                "plain_escalation_criteria": r.plain_escalation_criteria,
                "treatments": r.treatment_slugs,
                "sources": _keys(r.sources),
            }
            for r in session.scalars(select(PathwayStepRow).order_by(PathwayStepRow.step))
        ],
        "glossary": [
            {
                "term": r.term,
                "definition": r.definition,
                "plain_definition": r.plain_definition,
                "synonyms": r.synonyms,
                "treatments": r.treatment_slugs,
            }
            for r in session.scalars(select(GlossaryRow).order_by(GlossaryRow.position))
        ],
        "faq": [
            {
                "question": r.question,
                "plain_question": r.plain_question,
                "answer": r.answer,
                "plain_answer": r.plain_answer,
                "sources": _keys(r.sources),
            }
            for r in session.scalars(select(FaqRow).order_by(FaqRow.position))
        ],
    }
    return s.KnowledgeDocument.model_validate(data)


def _treatment(t: TreatmentRow) -> dict[str, Any]:
    return {
        "slug": t.slug,
        "name": t.name,
        "plain_name": t.plain_name,
        "category": t.category,
        "approach": t.approach,
        "invasiveness": t.invasiveness,
        "synonyms": t.synonyms,
        "mechanism": t.mechanism,
        "plain_mechanism": t.plain_mechanism,
        "plain_summary": t.plain_summary,
        "conditions": [link.condition.slug for link in t.condition_links],
        "delivered_by": t.delivered_by,
        "plain_delivered_by": t.plain_delivered_by,
        "patient_commitment": t.patient_commitment,
        "timeframe": {
            "onset_weeks_min": t.onset_weeks_min,
            "onset_weeks_max": t.onset_weeks_max,
            "course": t.course,
            "plain_course": t.plain_course,
            "duration_of_effect": t.duration_of_effect,
            "plain_duration_of_effect": t.plain_duration_of_effect,
            "duration_weeks_min": t.duration_weeks_min,
            "duration_weeks_max": t.duration_weeks_max,
            "note": t.timeframe_note,
        },
        "harms": [
            {
                "description": h.description,
                "plain_description": h.plain_description,
                "frequency": h.frequency,
                "plain_frequency": h.plain_frequency,
                "serious": h.serious,
                "sources": _keys(h.sources),
            }
            for h in t.harms
        ],
        "regulatory_note": t.regulatory_note,
        "plain_regulatory_note": t.plain_regulatory_note,
        "guidelines": [
            {
                "body": g.body,
                "stance": g.stance,
                "position": g.text,
                "plain_position": g.plain_text,
                "sources": _keys(g.sources),
            }
            for g in t.guidelines
        ],
        "findings": [_finding(f) for f in t.findings],
        "last_reviewed": t.last_reviewed,
    }


def _finding(f: FindingRow) -> dict[str, Any]:
    estimate = None
    if f.est_measure is not None:
        estimate = {
            "measure": f.est_measure,
            "value": f.est_value,
            "ci_low": f.est_ci_low,
            "ci_high": f.est_ci_high,
            "scale": f.est_scale,
            "better": f.est_better,
            "mcid": f.est_mcid,
            "participants": f.est_participants,
            "studies": f.est_studies,
        }
    return {
        "condition": f.condition.slug,
        "outcome": f.outcome,
        "comparison": f.comparison,
        "certainty": f.certainty,
        "certainty_note": f.certainty_note,
        "direction": f.direction,
        "effect": f.effect,
        "plain_effect": f.plain_effect,
        "timepoint": f.timepoint,
        "plain_timepoint": f.plain_timepoint,
        "timepoint_weeks": f.timepoint_weeks,
        "estimate": estimate,
        "sources": _keys(f.sources),
    }
