"""A large synthetic knowledge base for benchmarks (default: 10,000 treatments, 500,000 findings).

The schema comes from the real migrations (head revision); the rows are bulk-inserted
with plain ``sqlite3`` in one transaction. ``kb_meta.content_origin`` is "synthetic", so
the application never rebuilds it from the shipped content.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path

from explorer.domain.vocab import (
    Approach,
    Certainty,
    Direction,
    Invasiveness,
    Outcome,
    SourceKind,
)
from explorer.paths import KNOWLEDGE_DB, knowledge_content_dir

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

    The knowledge database is migrated to head with the application's own migrations,
    then filled in one transaction; the clinic database is created by ``open_stores``.
    """
    from explorer.services.knowledge import open_stores
    from explorer.store.engine import sqlite_engine
    from explorer.store.migrate import upgrade

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KNOWLEDGE_DB
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    engine = sqlite_engine(path)
    try:
        upgrade(engine, "knowledge")
    finally:
        engine.dispose()

    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    conditions = _condition_rows()
    condition_ids = list(range(1, len(conditions) + 1))
    n_sources = 50
    today = dt.date(2026, 3, 1).isoformat()

    def words(lo: int, hi: int) -> str:
        return " ".join(rng.choices(vocab, k=rng.randint(lo, hi)))

    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO kb_meta (id, kb_version, title, last_reviewed, evidence_current_to,"
            " update_policy, funding, conflicts_of_interest, authorship, reading_level,"
            " disclaimer, content_origin, content_fingerprint, loaded_at)"
            " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'synthetic', 'synthetic', ?)",
            (
                "synthetic-1",
                f"Synthetic benchmark knowledge base ({treatments} treatments)",
                today,
                "March 2026",
                "Never updated: generated for benchmarks.",
                "None.",
                "None.",
                "Generated by tests/benchmarks/synthetic.py",
                "Not applicable",
                "Synthetic data for performance measurement only; not medical information.",
                dt.datetime(2026, 3, 1, 12, 0).isoformat(sep=" "),
            ),
        )
        con.executemany(
            "INSERT INTO condition (id, slug, position, name, plain_name, description,"
            " plain_description) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i + 1,
                    c["slug"],
                    i,
                    c["name"],
                    c["plain_name"],
                    c["description"],
                    c["plain_description"],
                )
                for i, c in enumerate(conditions)
            ],
        )
        kinds = list(SourceKind)
        con.executemany(
            "INSERT INTO source (id, key, position, kind, peer_reviewed, industry_link,"
            " citation, year, pmid, doi, url, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i + 1,
                    f"synthetic-source-{i + 1:03d}",
                    i,
                    kinds[i % len(kinds)].value,
                    kinds[i % len(kinds)] not in (SourceKind.INDUSTRY, SourceKind.MARKETING),
                    i % 7 == 0,
                    f"Author {i + 1} et al. {words(4, 9).capitalize()}. J Synth. {2000 + i % 26}.",
                    2000 + i % 26,
                    str(30_000_000 + i) if i % 2 else None,
                    f"10.0000/synthetic.{i + 1}" if i % 3 else None,
                    None,
                    None,
                )
                for i in range(n_sources)
            ],
        )

        approaches = [a.value for a in Approach]
        levels = [v.value for v in Invasiveness]

        def treatment_rows() -> Iterator[tuple[object, ...]]:
            for i in range(treatments):
                name = words(2, 4).title()
                onset = rng.choice((None, 1.0, 2.0, 4.0, 6.0))
                yield (
                    i + 1,
                    f"synthetic-{i + 1:05d}",
                    i,
                    name,
                    rng.choice(_CATEGORIES),
                    rng.choice(approaches),
                    rng.choice(levels),
                    json.dumps([words(1, 3) for _ in range(rng.randint(0, 3))]),
                    words(8, 20).capitalize() + ".",
                    words(6, 14).capitalize() + ".",
                    words(10, 25).capitalize() + ".",
                    "A clinician",
                    words(3, 8).capitalize() + ".",
                    onset,
                    None if onset is None else onset * 2,
                    words(3, 6).capitalize() + ".",
                    words(2, 5).capitalize() + ".",
                    None,
                    None,
                    None,
                    None,
                    today,
                )

        con.executemany(
            "INSERT INTO treatment (id, slug, position, name, category, approach, invasiveness,"
            " synonyms, mechanism, plain_mechanism, plain_summary, delivered_by,"
            " patient_commitment, onset_weeks_min, onset_weeks_max, course, duration_of_effect,"
            " duration_weeks_min, duration_weeks_max, timeframe_note, regulatory_note,"
            " last_reviewed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            treatment_rows(),
        )

        linked: list[list[int]] = [
            rng.sample(condition_ids, rng.randint(2, 4)) for _ in range(treatments)
        ]
        con.executemany(
            "INSERT INTO treatment_condition (treatment_id, condition_id, position)"
            " VALUES (?, ?, ?)",
            ((t + 1, c, position) for t, cs in enumerate(linked) for position, c in enumerate(cs)),
        )

        # High certainty is rare, as in real evidence: best certainties then vary by row.
        certainties = list(Certainty)
        weights = [
            {"high": 3, "moderate": 12, "low": 35, "very low": 35}.get(c, 15) for c in certainties
        ]
        directions = [d.value for d in Direction]
        outcomes = [o.value for o in Outcome]
        effects = [words(5, 10) for _ in range(500)]
        positions = [0] * treatments

        def finding_rows() -> Iterator[tuple[object, ...]]:
            for i in range(findings):
                t = rng.randrange(treatments)
                position = positions[t]
                positions[t] += 1
                certainty = rng.choices(certainties, weights)[0]
                weeks, timepoint = rng.choice(_TIMEPOINTS)
                has_estimate = rng.random() < 0.3
                value = round(rng.uniform(-2.0, 2.0), 2)
                yield (
                    i + 1,
                    t + 1,
                    rng.choice(linked[t]),
                    position,
                    rng.choice(outcomes),
                    rng.choice(_COMPARISONS),
                    certainty.value,
                    certainty.rank,
                    None,
                    rng.choice(directions),
                    rng.choice(effects),
                    rng.choice(effects),
                    timepoint,
                    weeks,
                    "SMD" if has_estimate else None,
                    value if has_estimate else None,
                    value - 0.5 if has_estimate else None,
                    value + 0.5 if has_estimate else None,
                    "standard deviations" if has_estimate else None,
                    "lower" if has_estimate else None,
                    None,
                    rng.randint(20, 2000) if has_estimate else None,
                    rng.randint(1, 30) if has_estimate else None,
                )

        con.executemany(
            "INSERT INTO finding (id, treatment_id, condition_id, position, outcome, comparison,"
            " certainty, certainty_rank, certainty_note, direction, effect, plain_effect,"
            " timepoint, timepoint_weeks, est_measure, est_value, est_ci_low, est_ci_high,"
            " est_scale, est_better, est_mcid, est_participants, est_studies)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            finding_rows(),
        )
        con.executemany(
            "INSERT INTO finding_source (owner_id, source_id, position) VALUES (?, ?, 0)",
            ((i + 1, rng.randint(1, n_sources)) for i in range(findings)),
        )
        con.executemany(
            "INSERT INTO harm (id, treatment_id, position, description, plain_description,"
            " frequency, serious) VALUES (?, ?, 0, ?, ?, ?, ?)",
            (
                (t + 1, t + 1, words(4, 10), words(4, 10), "not quantified", rng.random() < 0.1)
                for t in range(treatments)
            ),
        )
        con.executemany(
            "INSERT INTO harm_source (owner_id, source_id, position) VALUES (?, ?, 0)",
            ((t + 1, rng.randint(1, n_sources)) for t in range(treatments)),
        )
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    open_stores(data_dir, refresh_shipped=False).close()
