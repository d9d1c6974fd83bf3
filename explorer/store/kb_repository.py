"""Read the knowledge base as domain objects. Widgets and commands never see ORM rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from explorer.domain import models as d
from explorer.domain.vocab import Approach, Certainty, Direction, Invasiveness, SourceKind
from explorer.store.models import (
    ConditionRow,
    FaqRow,
    FindingRow,
    GlossaryRow,
    GuidelineRow,
    HarmRow,
    KbMeta,
    PathwayStepRow,
    SourceRow,
    StatisticRow,
    TreatmentCondition,
    TreatmentRow,
)


def _source(row: SourceRow) -> d.SourceRef:
    return d.SourceRef(
        id=row.key,
        kind=SourceKind(row.kind),
        peer_reviewed=row.peer_reviewed,
        citation=row.citation,
        year=row.year,
        pmid=row.pmid,
        doi=row.doi,
        url=row.url,
        industry_link=row.industry_link,
        note=row.note,
    )


class KnowledgeRepository:
    """Queries over one session of the knowledge-base database."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def info(self) -> d.KnowledgeBaseInfo | None:
        row = self._session.get(KbMeta, 1)
        if row is None:
            return None
        return d.KnowledgeBaseInfo(
            kb_version=row.kb_version,
            title=row.title,
            last_reviewed=row.last_reviewed,
            evidence_current_to=row.evidence_current_to,
            update_policy=row.update_policy,
            funding=row.funding,
            conflicts_of_interest=row.conflicts_of_interest,
            authorship=row.authorship,
            reading_level=row.reading_level,
            disclaimer=row.disclaimer,
            content_origin=row.content_origin,
        )

    def conditions(self) -> list[d.Condition]:
        rows = self._session.scalars(select(ConditionRow).order_by(ConditionRow.position))
        return [
            d.Condition(
                slug=r.slug,
                name=r.name,
                plain_name=r.plain_name,
                description=r.description,
                plain_description=r.plain_description,
            )
            for r in rows
        ]

    def treatment_summaries(self) -> list[d.TreatmentSummary]:
        """Catalog rows, with the best certainty of any finding per condition and the
        directions (benefit, no benefit…) of the findings at that certainty.

        Read with Core queries, not ORM objects: a clinic catalog is small, but the
        window must also open a 10,000-treatment, 500,000-finding knowledge base quickly.
        """
        rank_to_certainty = {c.rank: c for c in Certainty}
        best_rank = (
            select(
                FindingRow.treatment_id,
                FindingRow.condition_id,
                func.max(FindingRow.certainty_rank).label("rank"),
            )
            .group_by(FindingRow.treatment_id, FindingRow.condition_id)
            .subquery()
        )
        at_best = (
            select(
                FindingRow.treatment_id, ConditionRow.slug, best_rank.c.rank, FindingRow.direction
            )
            .join(
                best_rank,
                (FindingRow.treatment_id == best_rank.c.treatment_id)
                & (FindingRow.condition_id == best_rank.c.condition_id)
                & (FindingRow.certainty_rank == best_rank.c.rank),
            )
            .join(ConditionRow, FindingRow.condition_id == ConditionRow.id)
            .distinct()
        )
        best: dict[int, dict[str, Certainty]] = {}
        directions: dict[int, dict[str, set[Direction]]] = {}
        for treatment_id, condition_slug, rank, direction in self._session.execute(at_best):
            best.setdefault(treatment_id, {})[condition_slug] = rank_to_certainty[rank]
            directions.setdefault(treatment_id, {}).setdefault(condition_slug, set()).add(
                Direction(direction)
            )
        conditions: dict[int, list[str]] = {}
        links = (
            select(TreatmentCondition.treatment_id, ConditionRow.slug)
            .join(ConditionRow, TreatmentCondition.condition_id == ConditionRow.id)
            .order_by(TreatmentCondition.treatment_id, TreatmentCondition.position)
        )
        for treatment_id, slug in self._session.execute(links):
            conditions.setdefault(treatment_id, []).append(slug)
        t = TreatmentRow
        rows = self._session.execute(
            select(
                t.id,
                t.slug,
                t.name,
                t.category,
                t.approach,
                t.invasiveness,
                t.synonyms,
                t.plain_summary,
                t.mechanism,
            ).order_by(t.position)
        )
        return [
            d.TreatmentSummary(
                slug=row.slug,
                name=row.name,
                category=row.category,
                approach=Approach(row.approach),
                invasiveness=Invasiveness(row.invasiveness),
                conditions=tuple(conditions.get(row.id, ())),
                synonyms=tuple(row.synonyms),
                plain_summary=row.plain_summary,
                mechanism=row.mechanism,
                best_certainty=best.get(row.id, {}),
                best_directions={c: frozenset(ds) for c, ds in directions.get(row.id, {}).items()},
            )
            for row in rows
        ]

    def treatment(self, slug: str) -> d.Treatment | None:
        row = self._session.scalars(
            select(TreatmentRow)
            .where(TreatmentRow.slug == slug)
            .options(
                selectinload(TreatmentRow.condition_links).selectinload(
                    TreatmentCondition.condition
                ),
                selectinload(TreatmentRow.harms).selectinload(HarmRow.sources),
                selectinload(TreatmentRow.guidelines).selectinload(GuidelineRow.sources),
                selectinload(TreatmentRow.findings).selectinload(FindingRow.sources),
                selectinload(TreatmentRow.findings).selectinload(FindingRow.condition),
            )
        ).one_or_none()
        if row is None:
            return None
        cited: dict[str, d.SourceRef] = {}

        def keys(sources: list[SourceRow]) -> tuple[str, ...]:
            for s in sources:
                cited.setdefault(s.key, _source(s))
            return tuple(s.key for s in sources)

        findings = tuple(
            d.Finding(
                treatment_slug=row.slug,
                condition=f.condition.slug,
                outcome=f.outcome,
                comparison=f.comparison,
                certainty=Certainty(f.certainty),
                direction=Direction(f.direction),
                effect=f.effect,
                plain_effect=f.plain_effect,
                timepoint=f.timepoint,
                sources=keys(f.sources),
                certainty_note=f.certainty_note,
                timepoint_weeks=f.timepoint_weeks,
                estimate=None
                if f.est_measure is None
                else d.Estimate(
                    measure=f.est_measure,
                    value=f.est_value or 0.0,
                    ci_low=f.est_ci_low,
                    ci_high=f.est_ci_high,
                    scale=f.est_scale or "",
                    better=f.est_better or "",
                    mcid=f.est_mcid,
                    participants=f.est_participants,
                    studies=f.est_studies,
                ),
            )
            for f in row.findings
        )
        harms = tuple(
            d.Harm(
                description=h.description,
                plain_description=h.plain_description,
                frequency=h.frequency,
                serious=h.serious,
                sources=keys(h.sources),
            )
            for h in row.harms
        )
        guidelines = tuple(
            d.GuidelinePosition(
                body=g.body, stance=g.stance, position=g.text, sources=keys(g.sources)
            )
            for g in row.guidelines
        )
        return d.Treatment(
            slug=row.slug,
            name=row.name,
            category=row.category,
            approach=Approach(row.approach),
            invasiveness=Invasiveness(row.invasiveness),
            synonyms=tuple(row.synonyms),
            mechanism=row.mechanism,
            plain_mechanism=row.plain_mechanism,
            plain_summary=row.plain_summary,
            conditions=tuple(link.condition.slug for link in row.condition_links),
            delivered_by=row.delivered_by,
            patient_commitment=row.patient_commitment,
            timeframe=d.Timeframe(
                onset_weeks_min=row.onset_weeks_min,
                onset_weeks_max=row.onset_weeks_max,
                course=row.course,
                duration_of_effect=row.duration_of_effect,
                duration_weeks_min=row.duration_weeks_min,
                duration_weeks_max=row.duration_weeks_max,
                note=row.timeframe_note,
            ),
            harms=harms,
            regulatory_note=row.regulatory_note,
            guidelines=guidelines,
            findings=findings,
            sources=tuple(cited.values()),
            last_reviewed=row.last_reviewed,
        )

    def statistics(self) -> list[d.Statistic]:
        rows = self._session.scalars(
            select(StatisticRow)
            .order_by(StatisticRow.position)
            .options(selectinload(StatisticRow.source), selectinload(StatisticRow.read_in))
        )
        return [
            d.Statistic(
                id=r.key,
                label=r.label,
                value=r.value,
                unit=r.unit,
                denominator=r.denominator,
                population=r.population,
                timeframe=r.timeframe,
                source=_source(r.source),
                value_low=r.value_low,
                value_high=r.value_high,
                note=r.note,
                seed_claim=r.seed_claim,
                verdict=r.verdict,
                read_in=_source(r.read_in) if r.read_in else None,
            )
            for r in rows
        ]

    def glossary(self) -> list[d.GlossaryEntry]:
        rows = self._session.scalars(select(GlossaryRow).order_by(GlossaryRow.position))
        return [
            d.GlossaryEntry(
                term=r.term,
                definition=r.definition,
                plain_definition=r.plain_definition,
                synonyms=tuple(r.synonyms),
                treatments=tuple(r.treatment_slugs),
            )
            for r in rows
        ]

    def faq(self) -> list[d.FaqEntry]:
        rows = self._session.scalars(
            select(FaqRow).order_by(FaqRow.position).options(selectinload(FaqRow.sources))
        )
        return [
            d.FaqEntry(
                question=r.question,
                answer=r.answer,
                plain_answer=r.plain_answer,
                sources=tuple(_source(s) for s in r.sources),
            )
            for r in rows
        ]

    def pathway(self) -> list[d.PathwayStep]:
        rows = self._session.scalars(
            select(PathwayStepRow)
            .order_by(PathwayStepRow.step)
            .options(selectinload(PathwayStepRow.sources))
        )
        return [
            d.PathwayStep(
                step=r.step,
                title=r.title,
                plain_title=r.plain_title,
                description=r.description,
                plain_description=r.plain_description,
                escalation_criteria=tuple(r.escalation_criteria),
                treatments=tuple(r.treatment_slugs),
                sources=tuple(_source(s) for s in r.sources),
            )
            for r in rows
        ]
