"""The command line as a user and a script see it: JSON shapes, exit codes, messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main

REQUIRED_TREATMENTS = {
    "exercise-therapy",
    "stretching-yoga-pilates",
    "traction-decompression",
    "epidural-steroid-injection",
    "facet-injection-rf-denervation",
    "spinal-manipulation",
    "tens",
    "heat-and-cold",
    "platelet-rich-plasma",
    "intra-annular-fibrin",
    "other-intradiscal-procedures",
    "nsaids",
    "paracetamol",
    "muscle-relaxants",
    "opioids",
    "antidepressants",
    "gabapentinoids",
    "systemic-corticosteroids",
    "watchful-waiting",
    "surgery-discectomy-decompression",
}
REPO = Path(__file__).resolve().parent.parent


def _json(capsys, *argv: str):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_kb_list_json_has_every_category_with_the_documented_fields(data_dir, capsys) -> None:
    rows = _json(capsys, "kb", "list", "--json")
    assert {row["slug"] for row in rows} >= REQUIRED_TREATMENTS
    for row in rows:
        assert set(row) == {
            "slug",
            "name",
            "plain_name",
            "category",
            "approach",
            "invasiveness",
            "conditions",
        }
        assert row["plain_name"], row["slug"]
        assert row["approach"] in {"active", "passive", "hybrid"}
        assert row["invasiveness"] in {"non-invasive", "minimally invasive", "surgical"}
        assert row["conditions"], row["slug"]
    surgery = next(r for r in rows if r["slug"] == "surgery-discectomy-decompression")
    assert surgery["invasiveness"] == "surgical"


def test_kb_show_json_has_the_documented_shape_and_every_cited_source(data_dir, capsys) -> None:
    for slug in sorted(REQUIRED_TREATMENTS):
        doc = _json(capsys, "kb", "show", slug, "--json")
        assert doc["slug"] == slug
        for key in (
            "name",
            "plain_name",
            "category",
            "approach",
            "invasiveness",
            "mechanism",
            "plain_summary",
            "delivered_by",
            "timeframe",
            "harms",
            "regulatory_note",
            "findings",
            "sources",
            "last_reviewed",
        ):
            assert key in doc, f"{slug}: {key}"
        assert set(doc["timeframe"]) >= {
            "onset_weeks_min",
            "onset_weeks_max",
            "course",
            "duration_of_effect",
        }
        assert doc["harms"], f"{slug} lists no harms"
        assert all(set(h) >= {"description", "frequency"} for h in doc["harms"])
        source_ids = {s["id"] for s in doc["sources"]}
        for finding in doc["findings"]:
            assert set(finding) >= {
                "condition",
                "outcome",
                "comparison",
                "certainty",
                "direction",
                "effect",
                "timepoint",
                "sources",
            }
            assert finding["sources"], f"{slug}: finding without a source"
            assert set(finding["sources"]) <= source_ids
            assert finding["certainty"] in {"high", "moderate", "low", "very low", "not rated"}
            assert finding["direction"] in {"benefit", "no benefit", "harm", "uncertain"}
        for source in doc["sources"]:
            assert set(source) >= {
                "id",
                "kind",
                "peer_reviewed",
                "citation",
                "year",
                "pmid",
                "doi",
                "url",
            }


def test_kb_show_unknown_slug_exits_2_with_one_line(data_dir, capsys) -> None:
    assert main(["kb", "show", "no-such-treatment", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "no-such-treatment" in lines[0]


def test_kb_stats_json_every_statistic_has_a_source_and_its_kind(data_dir, capsys) -> None:
    stats = _json(capsys, "kb", "stats", "--json")
    assert len(stats) >= 10
    for st in stats:
        assert set(st) >= {
            "id",
            "label",
            "plain_label",
            "value",
            "unit",
            "denominator",
            "population",
            "plain_population",
            "timeframe",
            "note",
            "source",
        }
        assert "read_in" in st and "caution" in st
        if st["read_in"] is not None:
            assert st["read_in"]["kind"] == "secondary summary", st["id"]
            assert st["caution"] is True, st["id"]
        source = st["source"]
        assert set(source) >= {"kind", "peer_reviewed", "citation", "year", "pmid", "doi", "url"}
        assert source["kind"] and source["citation"]
        if source["kind"] in {
            "registry or case series",
            "industry",
            "marketing",
            "secondary summary",
        }:
            assert source["caution"] is True, st["id"]
        if not source["peer_reviewed"]:
            assert source["kind"] in {
                "guideline",
                "government",
                "marketing",
                "industry",
                "secondary summary",
                "registry or case series",
            }, st["id"]


def test_data_dir_option_is_accepted_before_or_after_the_command(tmp_path, capsys) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert main(["--data-dir", str(first), "kb", "list"]) == 0
    assert main(["kb", "list", "--data-dir", str(second)]) == 0
    capsys.readouterr()
    assert (first / "knowledge.sqlite").exists() and (second / "knowledge.sqlite").exists()


def test_validate_reports_ok_for_shipped_content_and_refuses_bad_files(tmp_path, capsys) -> None:
    assert main(["kb", "validate", str(REPO / "db" / "knowledge")]) == 0
    assert capsys.readouterr().out.startswith("ok:")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "spine-treatment-explorer/knowledge-base"}')
    assert main(["kb", "validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "meta" in err and "required field is missing" in err


def test_validate_names_the_toml_file_of_a_bad_entry(tmp_path, capsys) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(REPO / "db" / "knowledge", content)
    target = content / "treatments" / "06-tens.toml"
    target.write_text(target.read_text().replace('approach = "passive"', 'approach = "lazy"', 1))
    assert main(["kb", "validate", str(content)]) == 1
    err = capsys.readouterr().err
    assert "06-tens.toml" in err and "approach" in err and "'tens'" in err


def test_export_to_an_unwritable_place_fails_cleanly_and_writes_nothing(
    data_dir, tmp_path, capsys
) -> None:
    missing = tmp_path / "no-such-folder" / "kb.json"
    assert main(["kb", "export", "--format", "json", str(missing)]) == 3
    assert "Cannot write to the folder" in capsys.readouterr().err
    assert not missing.parent.exists()


def test_export_keeps_an_existing_file_when_the_write_fails(
    data_dir, tmp_path, capsys, monkeypatch
) -> None:
    target = tmp_path / "kb.json"
    target.write_text("previous export")

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert main(["kb", "export", "--format", "json", str(target)]) == 3
    assert "No space left on device" in capsys.readouterr().err
    assert target.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kb.json")] == []


def test_build_rebuilds_from_the_shipped_content(data_dir, capsys) -> None:
    assert main(["kb", "build"]) == 0
    assert "built knowledge base" in capsys.readouterr().out


@pytest.mark.slow
def test_python_dash_m_explorer_works_in_a_fresh_process(tmp_path) -> None:
    env = dict(os.environ, EXPLORER_DATA_DIR=str(tmp_path / "fresh"))
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "kb", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert {row["slug"] for row in json.loads(result.stdout)} >= REQUIRED_TREATMENTS
    missing = subprocess.run(
        [sys.executable, "-m", "explorer", "kb", "show", "nope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_locked_knowledge_base_is_reported_and_left_unchanged(
    data_dir, tmp_path, capsys, monkeypatch
) -> None:
    import sqlite3

    import explorer.store.backend.sqlite as engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    export = tmp_path / "kb.json"
    assert main(["kb", "export", "--format", "json", str(export)]) == 0
    holder = sqlite3.connect(data_dir / "knowledge.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        assert main(["kb", "import", str(export)]) == 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert "the data is in use by another window" in err and "knowledge.sqlite" in err
    assert "Traceback" not in err
    again = tmp_path / "again.json"
    assert main(["kb", "export", "--format", "json", str(again)]) == 0
    assert again.read_bytes() == export.read_bytes()


def test_damaged_knowledge_base_makes_commands_exit_3_with_its_path(data_dir, capsys) -> None:
    for leftover in ("knowledge.sqlite-wal", "knowledge.sqlite-shm"):
        (data_dir / leftover).unlink(missing_ok=True)
    (data_dir / "knowledge.sqlite").write_bytes(b"this is not a database" * 50)
    assert main(["kb", "list", "--json"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "knowledge.sqlite" in captured.err and "not a SQLite database" in captured.err


def test_default_data_dir_is_the_per_user_folder(monkeypatch, tmp_path) -> None:
    from explorer.paths import resolve_data_dir

    monkeypatch.delenv("EXPLORER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir(None) == tmp_path / "xdg" / "SpineTreatmentExplorer"
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(None) == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "arg")) == tmp_path / "arg"


def test_output_into_a_reader_that_stops_is_not_an_error(tmp_path) -> None:
    """`explorer kb list | head -1`: the closed pipe is no disk error and no failure."""
    import subprocess
    import sys

    env = {**os.environ, "EXPLORER_DATA_DIR": str(tmp_path / "data")}
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already stopped: every write meets a closed pipe
    try:
        writer = subprocess.run(
            [sys.executable, "-m", "explorer", "kb", "list", "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert writer.returncode == 0, writer.stderr
    assert "disk" not in writer.stderr and "Broken pipe" not in writer.stderr
