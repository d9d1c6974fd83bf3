"""The JSON shapes of ``explorer kb list|show|stats --json`` (documented in the README)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from explorer.domain import models as d


def source_json(s: d.SourceRef) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind.value,
        "peer_reviewed": s.peer_reviewed,
        "industry_link": s.industry_link,
        "caution": s.needs_caution,
        "citation": s.citation,
        "year": s.year,
        "pmid": s.pmid,
        "doi": s.doi,
        "url": s.url,
        "note": s.note,
    }


def summary_json(s: d.TreatmentSummary) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "name": s.name,
        "plain_name": s.plain_name,
        "category": s.category,
        "approach": s.approach.value,
        "invasiveness": s.invasiveness.value,
        "conditions": list(s.conditions),
    }


def treatment_json(t: d.Treatment) -> dict[str, Any]:
    tf = t.timeframe
    return {
        "slug": t.slug,
        "name": t.name,
        "plain_name": t.plain_name,
        "category": t.category,
        "approach": t.approach.value,
        "invasiveness": t.invasiveness.value,
        "synonyms": list(t.synonyms),
        "conditions": list(t.conditions),
        "mechanism": t.mechanism,
        "plain_mechanism": t.plain_mechanism,
        "plain_summary": t.plain_summary,
        "delivered_by": t.delivered_by,
        "plain_delivered_by": t.plain_delivered_by,
        "patient_commitment": t.patient_commitment,
        "timeframe": {
            "onset_weeks_min": tf.onset_weeks_min,
            "onset_weeks_max": tf.onset_weeks_max,
            "course": tf.course,
            "plain_course": tf.plain_course,
            "duration_of_effect": tf.duration_of_effect,
            "plain_duration_of_effect": tf.plain_duration_of_effect,
            "duration_weeks_min": tf.duration_weeks_min,
            "duration_weeks_max": tf.duration_weeks_max,
            "note": tf.note,
        },
        "harms": [
            {
                "description": h.description,
                "plain_description": h.plain_description,
                "frequency": h.frequency,
                "plain_frequency": h.plain_frequency,
                "serious": h.serious,
                "sources": list(h.sources),
            }
            for h in t.harms
        ],
        "regulatory_note": t.regulatory_note,
        "plain_regulatory_note": t.plain_regulatory_note,
        "guidelines": [
            {
                "body": g.body,
                "stance": g.stance,
                "position": g.position,
                "plain_position": g.plain_position,
                "sources": list(g.sources),
            }
            for g in t.guidelines
        ],
        "findings": [
            {
                "condition": f.condition,
                "outcome": f.outcome,
                "comparison": f.comparison,
                "certainty": f.certainty.value,
                "certainty_note": f.certainty_note,
                "direction": f.direction.value,
                "effect": f.effect,
                "plain_effect": f.plain_effect,
                "estimate": asdict(f.estimate) if f.estimate else None,
                "timepoint": f.timepoint,
                "plain_timepoint": f.plain_timepoint,
                "timepoint_weeks": f.timepoint_weeks,
                "sources": list(f.sources),
            }
            for f in t.findings
        ],
        "sources": [source_json(s) for s in t.sources],
        "last_reviewed": t.last_reviewed.isoformat(),
    }


def statistic_json(s: d.Statistic) -> dict[str, Any]:
    source = source_json(s.source)
    return {
        "id": s.id,
        "label": s.label,
        "plain_label": s.plain_label,
        "value": s.value,
        "value_low": s.value_low,
        "value_high": s.value_high,
        "unit": s.unit,
        "denominator": s.denominator,
        "of_people": s.of_people,
        "population": s.population,
        "plain_population": s.plain_population,
        "timeframe": s.timeframe,
        "note": s.note,
        "seed_claim": s.seed_claim,
        "verdict": s.verdict,
        "caution": s.needs_caution,
        "source": source,
        "read_in": source_json(s.read_in) if s.read_in else None,
    }
