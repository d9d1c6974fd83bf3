"""Child of ``test_no_network``: drives the whole application while watching for sockets.

Two independent watchers: a Python audit hook (every socket created, bound, connected or
name-resolved through Python) and, on Linux, the process's open file descriptors matched
against /proc/self/net/{tcp,tcp6,udp,udp6,raw,raw6} (sockets opened by Qt's C++ code too),
checked at several points of the run. At the end a deliberate UDP socket proves that both
watchers do see a socket. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from explorer.store.backend import backend_from_arguments

EVENTS: list[str] = []
NETWORK_EVENTS = {
    "socket.__new__",
    "socket.bind",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.sendto",
    "socket.sendmsg",
}


def _hook(event: str, args: tuple) -> None:
    if event in NETWORK_EVENTS:
        if event == "socket.__new__" and len(args) > 1 and args[1] == 1:  # AF_UNIX
            EVENTS.append(f"{event} AF_UNIX")
            return
        EVENTS.append(f"{event} {args[1:3]!r}")


sys.addaudithook(_hook)


def inet_sockets() -> list[str]:
    """Inodes of this process's open sockets that are IPv4/IPv6 sockets."""
    if not Path("/proc/self/net/tcp").exists():
        return []
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        path = Path(f"/proc/self/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                found.append(f"{table} inode {fields[9]}")
    return found


def main() -> None:
    data_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QFileDialog

    from explorer.ui.window.app import create_window
    from explorer.ui.window.settings import UiSettings

    app = QApplication([])
    seen: list[str] = []
    settings = UiSettings(QSettings(str(out_dir / "net.ini"), QSettings.Format.IniFormat))
    window, loader = create_window(backend_from_arguments(str(data_dir)), settings)
    window.show()
    ready: list[bool] = []
    window.sig_ready.connect(lambda: ready.append(True))
    loader.start()
    while not ready:
        app.processEvents()
    seen += inet_sockets()
    window.open_clinic()
    form = window.consult_lock.form
    form.pin.setText(sys.argv[3])
    form.try_submit()
    window.add_to_comparison(["exercise-therapy", "tens"])
    window.start_consult()
    window.consult.notes.setPlainText("private words")
    window.consult.save_now()
    window.tabs.setCurrentWidget(window.charts)
    app.processEvents()
    seen += inet_sockets()
    QFileDialog.getSaveFileName = staticmethod(  # type: ignore[method-assign]
        lambda *a, **k: (str(out_dir / "net.pdf"), "PDF document (*.pdf)")
    )
    window.reports.export_pdf("clinician")
    window.reports.export_pdf("patient")
    seen += inet_sockets()
    window.enter_patient_mode()
    patient = window.patient_window
    patient.browse.tabs.setCurrentWidget(patient.browse.charts)
    patient.browse.charts.tabs.setCurrentIndex(1)  # the timeline
    patient.show_details("tens")
    patient.browse.comparison.sig_cell_activated.emit(patient.browse.model.index(3, 0))  # sources
    app.processEvents()
    seen += inet_sockets()
    patient.ask_to_leave()
    patient._dialog.form.pin.setText(sys.argv[3])
    patient._dialog.form.try_submit()
    window.close()
    app.processEvents()
    seen += inet_sockets()
    app_events = list(EVENTS)

    import socket

    control = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    control.bind(("127.0.0.1", 0))
    control_proc = inet_sockets()
    control.close()
    result = {
        "app_events": app_events,
        "app_sockets": seen,
        "pdf_written": (out_dir / "net.pdf").exists(),
        # Qt's own sockets (HTTP, DNS, TCP) live in QtNetwork: never loaded at all.
        "qt_network_loaded": "PySide6.QtNetwork" in sys.modules,
        "control_events": EVENTS[len(app_events) :],
        "control_sockets": control_proc,
    }
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
