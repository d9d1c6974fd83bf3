"""A large synthetic knowledge base for benchmarks (default: 10,000 treatments, 500,000 findings).

A document of the knowledge-base format is generated (its JSON form) and stored with the
application's own writer (:func:`explorer.store.kb_tables.write_document`), skipping only the
pydantic validation of 500,000 findings. ``content_origin`` is "synthetic", so the application
never rebuilds it from the shipped content.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from pathlib import Path
from typing import Any

from explorer.domain.vocab import (
    Approach,
    Certainty,
    Direction,
    Invasiveness,
    Outcome,
    SourceKind,
)
from explorer.kb.version import FORMAT_VERSION
from explorer.paths import KNOWLEDGE_DB, knowledge_content_dir
from tests.engines import backend_of

# Words for names, mechanisms and synonyms. A few real terms (decompression, traction,
# injection…) are mixed into a larger random vocabulary so that searching for them
# matches a realistic fraction of the catalog (a few percent), not all or nothing.
_DOMAIN_WORDS = [
    "decompression",
    "traction",
    "injection",
    "epidural",
    "steroid",
    "facet",
    "radiofrequency",
    "denervation",
    "manipulation",
    "mobilisation",
    "massage",
    "acupuncture",
    "exercise",
    "stretching",
    "yoga",
    "pilates",
    "heat",
    "cold",
    "ultrasound",
    "laser",
    "electrical",
    "stimulation",
    "nerve",
    "disc",
    "annular",
    "fibrin",
    "platelet",
    "plasma",
    "ozone",
    "collagen",
    "brace",
    "orthosis",
    "cognitive",
    "behavioural",
    "education",
    "walking",
    "swimming",
    "core",
    "stabilisation",
    "mckenzie",
    "graded",
    "activity",
    "hydrotherapy",
    "spinal",
    "lumbar",
    "sacroiliac",
    "block",
    "ablation",
    "implant",
    "pulsed",
    "shockwave",
    "magnetic",
    "vibration",
    "posture",
    "ergonomic",
    "taping",
    "cupping",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "tu",
    "vo",
    "si",
    "pe",
    "da",
    "ri",
    "no",
    "le",
    "ta",
    "mu",
    "zo",
    "be",
    "fi",
    "gu",
    "ha",
]
_CATEGORIES = (
    "Exercise",
    "Manual therapy",
    "Physical modality",
    "Medication",
    "Injection",
    "Minimally invasive procedure",
    "Psychological",
    "Device",
    "Self-management",
    "Surgery",
)
_COMPARISONS = ("placebo", "sham", "usual care", "waiting list", "exercise", "no treatment")
_TIMEPOINTS = ((4.0, "4 weeks"), (12.0, "12 weeks"), (26.0, "6 months"), (52.0, "12 months"))


def _condition_rows() -> list[dict[str, str]]:
    with (knowledge_content_dir() / "conditions.toml").open("rb") as handle:
        return list(tomllib.load(handle)["conditions"])


def _vocabulary(rng: random.Random, size: int = 2_000) -> list[str]:
    words = set(_DOMAIN_WORDS)
    while len(words) < size:
        words.add("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))))
    common = sorted(words - set(_DOMAIN_WORDS))
    # domain words are ~10x as frequent as a random word
    return common + list(_DOMAIN_WORDS) * 10


def build_synthetic_kb(
    data_dir: Path, treatments: int = 10_000, findings: int = 500_000, seed: int = 0
) -> None:
    """Create ``data_dir`` with a knowledge base of ``treatments`` × ``findings`` rows.

    The knowledge database is created with the application's own code and the document
    written in one transaction; the clinic database is created by ``open_stores``.
    """
    from explorer.services.stores import open_stores
    from explorer.store.backend.migrate import upgrade
    from explorer.store.backend.sqlite import sqlite_engine
    from explorer.store.kb_tables import write_document

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KNOWLEDGE_DB
    if path.exists():
        raise FileExistsError(f"{path} already exists")

    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    conditions = _condition_rows()
    slugs = [c["slug"] for c in conditions]
    n_sources = 50
    today = dt.date(2026, 3, 1).isoformat()

    def words(lo: int, hi: int) -> str:
        return " ".join(rng.choices(vocab, k=rng.randint(lo, hi)))

    def sentence(lo: int, hi: int) -> str:
        return words(lo, hi).capitalize() + "."

    kinds = list(SourceKind)
    sources = [
        {
            "id": f"synthetic-source-{i + 1:03d}",
            "kind": kinds[i % len(kinds)].value,
            "peer_reviewed": kinds[i % len(kinds)]
            not in (SourceKind.INDUSTRY, SourceKind.MARKETING),
            "industry_link": i % 7 == 0,
            "funding": "industry" if i % 7 == 0 else "public",
            "citation": f"Author {i + 1} et al. {sentence(4, 9)} J Synth. {2000 + i % 26}.",
            "year": 2000 + i % 26,
            "pmid": str(30_000_000 + i) if i % 2 else None,
            "doi": f"10.0000/synthetic.{i + 1}" if i % 3 else None,
            "url": None,
            "note": None,
        }
        for i in range(n_sources)
    ]
    source_ids = [s["id"] for s in sources]
    approaches = [a.value for a in Approach]
    levels = [v.value for v in Invasiveness]
    documents: list[dict[str, Any]] = []
    linked: list[list[str]] = []
    for i in range(treatments):
        name = words(2, 4).title()
        onset = rng.choice((None, 1.0, 2.0, 4.0, 6.0))
        linked.append(rng.sample(slugs, rng.randint(2, 4)))
        documents.append(
            {
                "slug": f"synthetic-{i + 1:05d}",
                "name": name,
                "plain_name": name,
                "category": rng.choice(_CATEGORIES),
                "approach": rng.choice(approaches),
                "invasiveness": rng.choice(levels),
                "synonyms": [words(1, 3) for _ in range(rng.randint(0, 3))],
                "mechanism": sentence(8, 20),
                "plain_mechanism": sentence(6, 14),
                "plain_summary": sentence(10, 25),
                "conditions": linked[i],
                "delivered_by": "A clinician",
                "plain_delivered_by": "A clinician",
                "patient_commitment": sentence(3, 8),
                "timeframe": {
                    "onset_weeks_min": onset,
                    "onset_weeks_max": None if onset is None else onset * 2,
                    "course": sentence(3, 6),
                    "plain_course": sentence(3, 6),
                    "duration_of_effect": sentence(2, 5),
                    "plain_duration_of_effect": sentence(2, 5),
                    "duration_weeks_min": None,
                    "duration_weeks_max": None,
                    "note": None,
                },
                "harms": [
                    {
                        "description": words(4, 10),
                        "plain_description": words(4, 10),
                        "frequency": "not quantified",
                        "plain_frequency": "not known",
                        "serious": rng.random() < 0.1,
                        "causation": "not established",
                        "sources": [rng.choice(source_ids)],
                    }
                ],
                "regulatory_note": None,
                "plain_regulatory_note": None,
                "guidelines": [],
                "findings": [],
                "last_reviewed": today,
            }
        )

    # High certainty is rare, as in real evidence: best certainties then vary by row.
    certainties = list(Certainty)
    weights = [
        {"high": 3, "moderate": 12, "low": 35, "very low": 35}.get(c, 15) for c in certainties
    ]
    directions = [d.value for d in Direction]
    outcomes = [o.value for o in Outcome]
    effects = [words(5, 10) for _ in range(500)]
    for _ in range(findings):
        t = rng.randrange(treatments)
        certainty = rng.choices(certainties, weights)[0]
        weeks, timepoint = rng.choice(_TIMEPOINTS)
        has_estimate = rng.random() < 0.3
        value = round(rng.uniform(-2.0, 2.0), 2)
        documents[t]["findings"].append(
            {
                "condition": rng.choice(linked[t]),
                "outcome": rng.choice(outcomes),
                "comparison": rng.choice(_COMPARISONS),
                "certainty": certainty.value,
                "certainty_note": None,
                "direction": rng.choice(directions),
                "effect": rng.choice(effects),
                "plain_effect": rng.choice(effects),
                "timepoint": timepoint,
                "plain_timepoint": timepoint,
                "timepoint_weeks": weeks,
                "estimate": {
                    "measure": "SMD",
                    "value": value,
                    "ci_low": value - 0.5,
                    "ci_high": value + 0.5,
                    "scale": "standard deviations",
                    "better": "lower",
                    "mcid": None,
                    "participants": rng.randint(20, 2000),
                    "studies": rng.randint(1, 30),
                }
                if has_estimate
                else None,
                "sources": [rng.choice(source_ids)],
            }
        )
    document = {
        "format": "spine-treatment-explorer/knowledge-base",
        "format_version": FORMAT_VERSION,
        "meta": {
            "kb_version": "2026.3.1",
            "title": f"Synthetic benchmark knowledge base ({treatments} treatments)",
            "last_reviewed": today,
            "evidence_current_to": "March 2026",
            "update_policy": "Never updated: generated for benchmarks.",
            "funding": "None.",
            "conflicts_of_interest": "None.",
            "authorship": "Generated by tests/benchmarks/synthetic.py",
            "reading_level": "Not applicable",
            "disclaimer": "Synthetic data for performance measurement only; not medical advice.",
        },
        "conditions": conditions,
        "sources": sources,
        "treatments": documents,
        "statistics": [],
        "pathway": [],
        "glossary": [],
        "faq": [],
    }
    engine = sqlite_engine(path)
    try:
        upgrade(engine, "knowledge")
        with engine.begin() as connection:
            write_document(connection, document, origin="synthetic", fingerprint="synthetic")
    finally:
        engine.dispose()
    open_stores(backend_of(data_dir), refresh_shipped=False).close()
