"""The comparison PDF, read back with pypdf: content, page numbers, PDF/A, safe failures."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from explorer.cli import main
from tests.engines import backend_of

TREATMENTS = "exercise-therapy,epidural-steroid-injection,watchful-waiting"


def pdf_text(path: Path) -> list[str]:
    """Text per page; NFKC undoes the ligatures Qt's shaping puts in ("ﬁbrin")."""
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text() or ""))
        for page in PdfReader(str(path)).pages
    ]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def notes_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Prefers to avoid needles. Agreed: exercise programme first.\n", encoding="utf-8"
    )
    return path


def export(*extra: str) -> int:
    return main(["export", "--condition", "sciatica", "--treatments", TREATMENTS, *extra])


def test_clinician_summary_has_everything_on_numbered_pages(
    data_dir, tmp_path, notes_file, capsys
) -> None:
    out = tmp_path / "summary.pdf"
    assert (
        export("--notes-file", str(notes_file), "--patient-label", "J. Smith", "--out", str(out))
        == 0
    )
    assert "wrote" in capsys.readouterr().out
    pages = pdf_text(out)
    assert 1 < len(pages) < 40
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    whole = squash(" ".join(pages))
    for name in ("Exercise therapy", "Epidural corticosteroid", "Watchful waiting"):
        assert name in whole
    assert "Prefers to avoid needles" in whole and "J. Smith" in whole
    assert "Oliveira CB" in whole  # a numbered citation of the epidural findings
    assert "Disclaimer" in whole and "not medical advice" in whole
    assert "Knowledge base 2026" in whole
    assert "secondary summary" in whole  # source-kind flags


def test_patient_handout_uses_plain_words(data_dir, tmp_path, stores) -> None:
    out = tmp_path / "handout.pdf"
    assert export("--variant", "patient", "--out", str(out)) == 0
    whole = squash(" ".join(pdf_text(out)))
    assert "Your treatment options" in whole
    with stores.knowledge_session() as session:
        exercise = stores.repository(session).treatment("exercise-therapy")
    assert squash(exercise.plain_summary)[:50] in whole
    assert "Page 1 of" in whole
    # one card per option, in the comparison's order, in plain words
    pages = pdf_text(out)
    assert "1. Exercise program (physical therapy)" in squash(" ".join(pages))
    assert "Epidural corticosteroid injection:" not in whole  # plain names when reviewed, too
    assert "It does not take the place of advice from your own doctor" in whole
    clinician = tmp_path / "summary.pdf"
    assert export("--out", str(clinician)) == 0
    assert len(PdfReader(clinician).pages) < len(pages) + 6  # cards are not pages longer


def test_handout_cards_and_summary_table(data_dir) -> None:
    import datetime as dt

    from explorer.paths import resolve_data_dir
    from explorer.report.content import ReportContent, report_html
    from explorer.services.explorer_data import open_service

    service = open_service(backend_of(resolve_data_dir()))
    try:
        snapshot = service.snapshot()
        treatments = tuple(service.treatments(["tens", "exercise-therapy"]))
        kwargs = dict(
            info=snapshot.info,
            treatments=treatments,
            condition="sciatica",
            condition_names={c.slug: c.name for c in snapshot.conditions},
            plain_condition_names={c.slug: c.plain_name for c in snapshot.conditions},
            date=dt.date(2026, 11, 26),
            review_date=dt.date(2027, 1, 7),
        )
        patient, _ = report_html(ReportContent(variant="patient", **kwargs))
        clinician, _ = report_html(ReportContent(variant="clinician", **kwargs))
    finally:
        service.close()
    assert "<table" not in patient and "<table" in clinician
    assert patient.index("1. ") < patient.index("2. ")
    assert ">1. " + treatments[0].plain_name in patient
    assert ">2. " + treatments[1].plain_name in patient
    assert treatments[0].name not in patient  # "TENS (transcutaneous …)": clinician wording
    assert "Small electric pulses on the skin (TENS): " in patient  # the review dates
    assert ">" + treatments[0].name + "<" in clinician


def test_pdfa_markers_are_present(data_dir, tmp_path) -> None:
    out = tmp_path / "record.pdf"
    assert export("--pdfa", "--out", str(out)) == 0
    raw = out.read_bytes()
    assert b"pdfaid:part" in raw and b"OutputIntent" in raw
    assert PdfReader(str(out)).pages


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--condition", "sciatica", "--treatments", "tens,nope"], 2, "no treatment 'nope'"),
        (["--condition", "knee", "--treatments", "tens"], 2, "no condition 'knee'"),
        (
            ["--condition", "sciatica", "--treatments", "tens,exercise-therapy,tens,tens"],
            2,
            "--treatments names tens more than once; give each treatment once",
        ),
        (
            [
                "--condition",
                "sciatica",
                "--treatments",
                "tens",
                "--notes-file",
                "/no/such/notes.txt",
            ],
            2,
            "notes file not found",
        ),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line_and_no_file(
    data_dir, out_dir, capsys, args, code, message
) -> None:
    out = out_dir / "x.pdf"
    assert main(["export", *args, "--out", str(out)]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert list(out_dir.iterdir()) == []


def test_unwritable_folder_exits_3_and_writes_nothing(data_dir, tmp_path, capsys) -> None:
    out = tmp_path / "missing" / "x.pdf"
    assert export("--out", str(out)) == 3
    assert "does not exist" in capsys.readouterr().err
    assert not out.parent.exists()


def test_a_failed_write_keeps_the_existing_file_and_leaves_no_partial(
    data_dir, out_dir, monkeypatch, capsys
):
    import explorer.report.pdf as pdf

    out = out_dir / "summary.pdf"
    out.write_bytes(b"%PDF-1.4 previous version")

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "_render", broken)
    assert export("--out", str(out)) == 3
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"%PDF-1.4 previous version"
    assert [p.name for p in out_dir.iterdir()] == ["summary.pdf"]


def test_suggested_file_name_carries_date_and_label() -> None:
    import datetime as dt

    from explorer.report.build import suggested_file_name

    name = suggested_file_name(dt.date(2026, 11, 26), "J. Smith / room 3", "patient")
    assert name.startswith("2026-11-26") and "J--Smith" in name and name.endswith(".pdf")
    assert "/" not in name


def test_window_exports_and_prints_with_the_same_renderer(
    qtbot, data_dir, tmp_path, monkeypatch
) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QFileDialog

    from explorer.report.pdf import paint_report
    from explorer.ui.window.app import create_window
    from explorer.ui.window.settings import UiSettings

    settings = UiSettings(QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    window, loader = create_window(backend_of(data_dir), settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.sig_ready, timeout=30_000):
        loader.start()
    try:
        window.condition.setCurrentIndex(window.condition.findData("sciatica"))
        window.add_to_comparison(["exercise-therapy", "watchful-waiting"])
        target = tmp_path / "from-window.pdf"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF document (*.pdf)")
        )
        assert window.reports.export_pdf("patient") == target
        exported = " ".join(pdf_text(target))
        assert "Your treatment options" in exported and "Stay active and see how" in exported
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        pages = paint_report(*window.reports.report_for(printer))
        printed = pdf_text(tmp_path / "printed.pdf")
        assert len(printed) == pages and f"Page {pages} of {pages}" in printed[-1]
        assert "clinician summary" in printed[0]
    finally:
        window.close()
        window.service.close()


def test_a_folder_given_as_the_output_file_is_refused_with_a_usage_message(
    data_dir, tmp_path, capsys
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert export("--out", str(folder)) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "summary.pdf" in err and "disk" not in err
    assert list(folder.iterdir()) == []


def test_a_hostile_patient_label_is_cleaned_on_the_way_in(data_dir, tmp_path, monkeypatch) -> None:
    """Control characters and direction overrides are removed (U+202E would turn the rest of
    the header line around) and the label is cut to one line of 120 characters."""
    import explorer.report.build as build

    headers: list[object] = []
    real = build.write_pdf
    monkeypatch.setattr(
        build,
        "write_pdf",
        lambda content, *a, **k: headers.append(content) or real(content, *a, **k),
    )
    label = "J.\u202e Smith\x1b[31m\x00\u2066 \n(ward 3)\t" + "x" * 10_000
    out = tmp_path / "label.pdf"
    assert export("--patient-label", label, "--out", str(out)) == 0
    (content,) = headers
    cleaned = content.patient_label  # type: ignore[attr-defined]
    assert cleaned.startswith("J. Smith[31m (ward 3) xxx") and len(cleaned) == 120
    whole = " ".join(pdf_text(out))
    assert "J. Smith[31m" in whole
    assert not re.search("[\x00-\x1f\u202a-\u202e\u2066-\u2069]", whole.replace("\n", ""))
    assert "x" * 121 not in whole.replace(" ", "")
