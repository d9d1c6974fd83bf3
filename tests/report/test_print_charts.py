"""The report's charts drawn for paper (QPainter, QtGui only): what they write, that they
draw, that different data draws differently, and that the headless export stays light."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.domain.chart_words import short_name
from explorer.domain.charts import NATURAL_HISTORY, outcome_groups, timeline_rows
from explorer.domain.comparison import certainty_text
from explorer.domain.vocab import NOT_ESTABLISHED
from explorer.report.print_charts import PRINT_WIDTH, icon_chart, outcome_chart, timeline_chart
from tests.report.test_export_pdf import pdf_text, squash

CLBP = "chronic-low-back-pain"
SLUGS = ("exercise-therapy", "epidural-steroid-injection", "nsaids", "watchful-waiting")
SCIATICA = ("exercise-therapy", "epidural-steroid-injection", "intra-annular-fibrin")


@pytest.fixture
def kb(stores):
    with stores.knowledge_session() as session:
        repo = stores.repository(session)
        slugs = {*SLUGS, *SCIATICA}
        treatments = {slug: repo.treatment(slug) for slug in slugs}
        return treatments, repo.statistics(), repo.info().kb_version


def ink(image) -> int:
    """Pixels that are not white (a chart that draws nothing has none)."""
    white = 0xFFFFFFFF
    return sum(
        image.pixel(x, y) != white
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
    )


def dark(image) -> int:
    """Nearly black pixels: filled marks and text."""
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixel(x, y) & 0xFFFFFF
            if max(pixel >> 16, (pixel >> 8) & 0xFF, pixel & 0xFF) < 60:
                count += 1
    return count


def test_forest_plot_writes_labels_certainty_and_caution(qapp, kb) -> None:
    treatments, _stats, version = kb
    chosen = [treatments[s] for s in SCIATICA]
    chart = outcome_chart(chosen, "sciatica", "Sciatica", version)
    assert chart.image.width() == PRINT_WIDTH and ink(chart.image) > 1000
    words = "\n".join(chart.words)
    group = outcome_groups(chosen, "sciatica").groups[0]
    assert f"Effects on {group.key.outcome}" in words
    for row in group.rows:
        assert certainty_text(row.certainty, plain=False) in words
        assert row.finding.comparison in words
        if row.caution:
            assert "⚠ " + row.treatment.name.split(" (")[0].split(" / ")[0] in words
    assert "no difference" in words and "favours treatment" in words
    assert "⚠ source needs caution" in words  # the key explains the ring
    # What is left off, and why, goes under the picture as text, with the source kinds.
    assert "Not plotted on this axis" in chart.small_print
    assert "comparison table" in chart.small_print
    assert "(systematic review)" in chart.small_print and version in chart.small_print


def test_forest_plot_moves_with_the_data(qapp, kb) -> None:
    treatments, _stats, version = kb
    chosen = [treatments[s] for s in SLUGS]
    before = outcome_chart(chosen, CLBP, "CLBP", version)
    exercise = chosen[0]
    findings = tuple(
        dataclasses.replace(f, estimate=dataclasses.replace(f.estimate, value=f.estimate.value + 2))
        if f.estimate is not None and f.estimate.value is not None
        else f
        for f in exercise.findings
    )
    shifted = [dataclasses.replace(exercise, findings=findings), *chosen[1:]]
    after = outcome_chart(shifted, CLBP, "CLBP", version)
    assert before.image != after.image
    assert before.words != after.words  # the value column says the new number


def test_mcid_line_is_drawn_where_the_source_gives_one(qapp, kb) -> None:
    treatments, _stats, version = kb
    exercise = [treatments["exercise-therapy"]]
    group = outcome_groups(exercise, CLBP).groups[0]
    chart = outcome_chart(exercise, CLBP, "CLBP", version)
    labelled = "smallest difference patients notice" in chart.words
    assert labelled == (group.mcid is not None)


def test_icon_array_states_both_counts_in_words_and_draws_people(qapp, kb) -> None:
    _treatments, statistics, version = kb
    by_id = {s.id: s for s in statistics}
    statistic = by_id[NATURAL_HISTORY["sciatica"]]
    chart = icon_chart(statistic, version, plain=False)
    events = round(statistic.value)
    assert any(w.startswith(f"{events} out of 100 — ") for w in chart.words)
    assert f"{100 - events} out of 100 — not" in chart.words
    assert "Source:" in chart.small_print and version in chart.small_print
    assert statistic.note in chart.small_print
    # The handout: words before the numbers, plain wording, no clinician note.
    plain = icon_chart(statistic, version)
    assert f"About half: {events} out of 100 — {statistic.plain_label}" in plain.words
    assert f"The others: {100 - events} out of 100 — this was not so" in plain.words
    assert statistic.plain_population in plain.small_print
    for clinician in (statistic.label, statistic.note, statistic.population, "Source:"):
        assert clinician not in " ".join(plain.words) + plain.small_print
    # More people with the outcome: more filled (black) people in the picture.
    fewer = icon_chart(dataclasses.replace(statistic, value=20.0), version, plain=False)
    more = icon_chart(dataclasses.replace(statistic, value=80.0), version, plain=False)
    assert dark(more.image) > dark(chart.image) > dark(fewer.image)


def test_icon_array_flags_rounding(qapp, kb) -> None:
    _treatments, statistics, version = kb
    statistic = dataclasses.replace(statistics[0], value=16.8, value_low=None, value_high=None)
    statistic = dataclasses.replace(statistic, unit="%")
    words = " ".join(icon_chart(statistic, version, plain=False).words)
    assert "16.8% rounded to whole people: 17 out of 100" in words
    plain = " ".join(icon_chart(statistic, version).words)
    assert "16.8 out of 100 is rounded to whole people: 17 out of 100" in plain


def test_timeline_says_not_established_and_draws_spans(qapp, kb) -> None:
    treatments, _stats, version = kb
    chosen = [treatments[s] for s in SCIATICA]
    rows = timeline_rows(chosen)
    for plain in (False, True):
        chart = timeline_chart(chosen, version, plain=plain)
        words = "\n".join(chart.words)
        assert "6–12 weeks" in words  # the reassessment window, labelled
        unknown = "no one knows yet" if plain else NOT_ESTABLISHED  # plain words for patients
        for row in rows:
            if not row.established:
                assert unknown.capitalize() in words
            elif row.onset is None or row.duration is None:
                assert f": {unknown}" in words
        if plain:
            assert NOT_ESTABLISHED not in words.lower()
        assert ("Where this comes from" if plain else "Sources") in chart.small_print
    clinician = timeline_chart(chosen, version, plain=False)
    patient = timeline_chart(chosen, version, plain=True)
    for t in chosen:  # rows named in plain words for the patient
        assert t.plain_name in patient.words and t.plain_name not in clinician.words
        assert short_name(t) in clinician.words and short_name(t) not in patient.words
    assert patient.image.height() > clinician.image.height()  # larger type for the patient
    without_bars = [t for t in chosen if not timeline_rows([t])[0].established]
    assert without_bars, "the shipped content has a treatment without timing"
    assert ink(timeline_chart(chosen, version, plain=False).image) > ink(
        timeline_chart(without_bars, version, plain=False).image
    )


def test_report_captions_carry_notes_sources_and_certainty_as_text(data_dir, tmp_path) -> None:
    from explorer.cli import main

    out = tmp_path / "summary.pdf"
    args = ["--condition", "sciatica", "--treatments", ",".join(SCIATICA), "--out", str(out)]
    assert main(["export", *args]) == 0
    whole = squash(" ".join(pdf_text(out)))
    assert "Effects on the most often reported outcome" in whole
    assert "Not plotted on this axis" in whole
    assert "⚠ secondary summary" in whole
    assert "Moderate certainty" in whole  # the table's certainty words, as text
    assert "Weeks are the times at which trials measured effects" in whole


def test_headless_export_loads_no_widgets_pyqtgraph_or_numpy(data_dir, tmp_path) -> None:
    out = tmp_path / "light.pdf"
    code = (
        "import sys\n"
        "from explorer.cli import main\n"
        f"code = main(['export', '--condition', 'sciatica', '--treatments', "
        f"'{','.join(SCIATICA)}', '--variant', 'patient', '--out', {str(out)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'pyqtgraph', 'numpy'}"
        " or m.startswith(('PySide6.QtWidgets', 'PySide6.QtPrintSupport')))\n"
        "print('exit', code, 'heavy', heavy)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXPLORER_DATA_DIR=str(data_dir))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "exit 0 heavy []"
    assert Path(out).stat().st_size > 10_000
