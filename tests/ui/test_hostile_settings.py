"""A settings file from outside (hand-edited, damaged, another version's): the window starts
with the defaults for whatever is wrong, and never crashes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QPoint, QSettings, QSize

from explorer.ui.window.settings import MAX_SETTINGS_BYTES, UiSettings
from tests.ui.helpers import close_window, open_window

ACCESSORS = (
    "geometry",
    "window_state",
    "splitter",
    "condition",
    "comparison",
    "plain",
    "clinician",
    "clinic_name",
    "patient_idle_minutes",
    "clinician_lock_minutes",
)


def check_accessors(settings: UiSettings) -> None:
    """Every accessor returns its type, within its bounds."""
    for name in ("geometry", "window_state", "splitter"):
        value = getattr(settings, name)
        assert value is None or (isinstance(value, QByteArray) and 0 < value.size() <= 65536)
    assert settings.condition is None or (
        isinstance(settings.condition, str) and len(settings.condition) <= 80
    )
    comparison = settings.comparison
    assert isinstance(comparison, list) and len(comparison) <= 6
    assert all(isinstance(s, str) and s for s in comparison)
    assert len(set(comparison)) == len(comparison)
    assert settings.plain in (True, False)
    for name in ("clinician", "clinic_name"):
        value = getattr(settings, name)
        assert isinstance(value, str) and len(value) <= 200
        assert not any(ord(c) < 32 for c in value)
    for name in ("patient_idle_minutes", "clinician_lock_minutes"):
        value = getattr(settings, name)
        assert isinstance(value, int | float) and math.isfinite(value) and 0.5 <= value <= 240


def _ini(path: Path, raw: bytes) -> UiSettings:
    path.write_bytes(raw)
    return UiSettings(QSettings(str(path), QSettings.Format.IniFormat))


def _wrong_types(path: Path) -> None:
    """Values of the wrong type written the way QSettings itself stores them."""
    s = QSettings(str(path), QSettings.Format.IniFormat)
    s.setValue("window/geometry", QByteArray(b"not a geometry at all"))
    s.setValue("window/state", 123)
    s.setValue("window/splitter", "a word")
    s.setValue("explorer/condition", ["sciatica", "spinal-stenosis"])
    s.setValue("explorer/comparison", QSize(3, 4))
    s.setValue("explorer/plain", QPoint(1, 1))
    s.setValue("consult/clinician", QByteArray(b"\xff\xfe"))
    s.setValue("consult/clinic_name", "Clinic\x1b[31m")
    s.setValue("access/patient_idle_minutes", float("nan"))
    s.setValue("access/clinician_lock_minutes", "1e400")
    s.sync()


HOSTILE: dict[str, bytes | None] = {
    "wrong types": None,
    "binary": bytes(range(256)) * 64,
    "truncated": b"[explorer]\ncomparison=tens,exer",
    "huge values": b"[explorer]\ncomparison="
    + b",".join([b"tens"] * 200_000)
    + b"\ncondition="
    + b"x" * 1_000_000
    + b"\n[consult]\nclinician="
    + b"y" * 500_000
    + b"\n",
    "UTF-16": "[explorer]\ncomparison=tens\nplain=true\n".encode("utf-16"),
    "odd words": b"[explorer]\nplain=maybe\ncomparison=TENS, ../etc, tens, tens, a b\n"
    b"condition=Sciatica!\n[access]\npatient_idle_minutes=true\n"
    b"clinician_lock_minutes=-5\n",
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_every_accessor_returns_a_sane_value(tmp_path: Path, case: str) -> None:
    path = tmp_path / "bad.ini"
    raw = HOSTILE[case]
    if raw is None:
        _wrong_types(path)
        settings = UiSettings(QSettings(str(path), QSettings.Format.IniFormat))
    else:
        settings = _ini(path, raw)
    check_accessors(settings)


def test_odd_words_fall_back_to_defaults(tmp_path: Path) -> None:
    settings = _ini(tmp_path / "odd.ini", HOSTILE["odd words"])
    assert settings.plain is False
    assert settings.comparison == ["tens"]
    assert settings.condition is None
    assert settings.patient_idle_minutes == 3 and settings.clinician_lock_minutes == 5


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "window/geometry",
                "window/state",
                "window/splitter",
                "explorer/condition",
                "explorer/comparison",
                "explorer/plain",
                "consult/clinician",
                "consult/clinic_name",
                "access/patient_idle_minutes",
                "access/clinician_lock_minutes",
            ]
        ),
        st.one_of(
            st.text(max_size=300),
            st.integers(-(2**63), 2**63 - 1),  # what QSettings can store
            st.floats(),
            st.booleans(),
            st.binary(max_size=300).map(QByteArray),
            st.lists(st.text(max_size=20), max_size=12),
        ),
    ),
    junk=st.binary(max_size=200),
)
def test_generated_settings_never_break_an_accessor(tmp_path: Path, values, junk) -> None:
    path = tmp_path / "generated.ini"
    path.unlink(missing_ok=True)
    s = QSettings(str(path), QSettings.Format.IniFormat)
    for key, value in values.items():
        s.setValue(key, value)
    s.sync()
    del s
    with path.open("ab") as out:  # and whatever else a damaged file holds at its end
        out.write(junk)
    check_accessors(UiSettings(QSettings(str(path), QSettings.Format.IniFormat)))


def test_an_oversized_settings_file_is_moved_aside_unread(private_qsettings: Path) -> None:
    default = QSettings()
    path = Path(default.fileName())
    del default
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"[explorer]\nplain=true\n" + b"#" * (MAX_SETTINGS_BYTES + 1))
    settings = UiSettings()
    assert settings.plain is False
    assert not path.exists() or path.stat().st_size < 1000
    assert path.with_name(path.name + ".too-large").exists()


@pytest.mark.parametrize("case", ["wrong types", "binary", "huge values"])
def test_the_window_starts_with_defaults_on_a_hostile_settings_file(
    qtbot, data_dir: Path, tmp_path: Path, case: str
) -> None:
    path = tmp_path / "window.ini"
    raw = HOSTILE[case]
    if raw is None:
        _wrong_types(path)
    else:
        path.write_bytes(raw)
    window = open_window(qtbot, data_dir, path)
    try:
        assert window.isVisible()
        assert window.condition.currentIndex() == 0  # "All conditions"
        assert window.comparison_model.slugs() in ([], ["tens"])
        assert not window.plain_action.isChecked()
        window.close()  # writes the settings back: must not fail either
        again = UiSettings(QSettings(str(path), QSettings.Format.IniFormat))
        check_accessors(again)
        assert again.geometry is not None
    finally:
        close_window(window)


def test_names_typed_in_preferences_are_cleaned_on_the_way_in(qtbot, tmp_path: Path) -> None:
    """The clinician's and the clinic's names go through the one cleaning: no control or
    direction characters, one line, at most 120 characters (the fields stop there too)."""
    from explorer.ui.clinic.preferences import PreferencesDialog

    ui = UiSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    dialog = PreferencesDialog(ui)
    qtbot.addWidget(dialog)
    dialog.clinician.setText("Dr\u202e A.\x1b Rivera\u2066")
    dialog.clinic.setText("North " + "c" * 500)
    assert len(dialog.clinic.text()) == 120
    dialog.apply()
    ui.sync()
    assert ui.clinician == "Dr A. Rivera"
    assert ui.clinic_name == ("North " + "c" * 500)[:120]
    ui.clinician = "Dr B.\n Jones\x00"  # any other way in is cleaned alike
    assert ui.clinician == "Dr B. Jones"
