"""The argument parser and the ``explorer kb …`` commands (see :mod:`explorer.cli`)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.cli import Parser, add_global_options

if TYPE_CHECKING:
    from explorer.store.backend import Backend

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_DATA = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    """Every command's arguments (the global options accepted before or after each)."""
    common = Parser(add_help=False)
    add_global_options(common)
    parser = Parser(
        prog="explorer",
        parents=[common],
        description="Spine Treatment Explorer: compare non-surgical spine treatments with "
        "honest evidence. Without a command, opens the window.",
    )
    parser.add_argument(
        "--version", action=_VersionAction, nargs=0, help="show the version and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("gui", parents=[common], help="open the window (the default)")
    export = commands.add_parser(
        "export", parents=[common], help="write the comparison PDF without opening the window"
    )
    export.add_argument(
        "--condition", required=True, metavar="SLUG", help="condition slug, or 'all'"
    )
    export.add_argument(
        "--treatments",
        required=True,
        metavar="SLUG,SLUG",
        help="1 to 6 treatment slugs, comma-separated, in column order",
    )
    export.add_argument("--notes-file", type=Path, metavar="FILE", help="consult notes (UTF-8)")
    export.add_argument(
        "--patient-label",
        default="",
        metavar="TEXT",
        help="printed in the header; one line, at most 120 characters (control and "
        "text-direction characters are removed)",
    )
    export.add_argument("--variant", choices=["clinician", "patient"], default="clinician")
    export.add_argument("--pdfa", action="store_true", help="PDF/A-1b for the record")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    from explorer.cli import backup as cli_backup
    from explorer.cli import clinic as cli_clinic
    from explorer.cli import db as cli_db

    cli_clinic.add_commands(commands, common)
    cli_db.add_commands(commands, common)
    cli_backup.add_commands(commands, common)
    kb = commands.add_parser("kb", parents=[common], help="knowledge-base commands")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    p = kb_commands.add_parser("list", parents=[common], help="list treatments")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = kb_commands.add_parser("show", parents=[common], help="show one treatment")
    p.add_argument("slug")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = kb_commands.add_parser("stats", parents=[common], help="list statistics")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = kb_commands.add_parser(
        "validate", parents=[common], help="check a content folder or JSON file without loading it"
    )
    p.add_argument("path", type=Path)
    p = kb_commands.add_parser(
        "audit",
        parents=[common],
        help="audit content against the review rules (docs/knowledge-base.md)",
    )
    p.add_argument(
        "path", type=Path, nargs="?", help="content folder or JSON file (default: the one in use)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p = kb_commands.add_parser("export", parents=[common], help="write the knowledge base")
    p.add_argument("--format", choices=["json"], default="json")
    p.add_argument("out", help="output file, or - for standard output")
    p = kb_commands.add_parser(
        "import",
        parents=[common],
        help="replace the knowledge base with a checked file (all or nothing)",
    )
    p.add_argument("file", type=Path)
    p = kb_commands.add_parser(
        "build", parents=[common], help="rebuild the knowledge base from the shipped content (db/)"
    )
    p.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=None,
        metavar="DIR",
        help="build from another content folder",
    )
    return parser


class _VersionAction(argparse.Action):
    """Looks the version up only when asked: importlib.metadata costs ~60 ms at start-up."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spine-treatment-explorer")
    except PackageNotFoundError:
        return "unknown"


def _error(message: str) -> None:
    print(f"explorer: {message}", file=sys.stderr)


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def _run_kb(args: argparse.Namespace, backend: Backend) -> int:
    if args.kb_command == "validate":
        from explorer.kb.validate import load_document

        doc = load_document(args.path)
        findings = sum(len(t.findings) for t in doc.treatments)
        print(
            f"ok: {args.path}: {len(doc.treatments)} treatments, {findings} findings, "
            f"{len(doc.sources)} sources, {len(doc.statistics)} statistics, "
            f"{len(doc.conditions)} conditions"
        )
        return EXIT_OK
    if args.kb_command == "audit" and args.path is not None:
        from explorer.kb.validate import load_document

        return _print_audit(load_document(args.path), as_json=args.json, strict=args.strict)

    if args.kb_command in {"list", "show", "stats"}:
        from explorer.services.explorer_data import open_service

        service = open_service(backend)  # the quick read-only path when the data is current
        try:
            with service.repository() as repo:
                return _kb_read(args, repo)
        finally:
            service.close()
    from explorer.services import knowledge

    stores = knowledge.open_knowledge(
        backend,
        refresh_shipped=args.kb_command != "build",
        rebuild_damaged=args.kb_command == "build",
    )
    try:
        return _kb_write(args, stores)
    finally:
        stores.close()


def _kb_write(args: argparse.Namespace, stores: Any) -> int:
    from explorer.services import knowledge

    command = args.kb_command
    if command == "build":
        doc = knowledge.build(stores, args.source)
        print(f"built knowledge base {doc.meta.kb_version}: {len(doc.treatments)} treatments")
        return EXIT_OK
    if command == "import":
        doc = knowledge.import_file(stores, args.file)
        print(
            f"imported {args.file}: knowledge base {doc.meta.kb_version}, "
            f"{len(doc.treatments)} treatments"
        )
        _print_audit(doc, as_json=False, strict=False)  # shown; warnings never block an import
        return EXIT_OK
    if command == "audit":
        return _print_audit(
            knowledge.export_document_of(stores), as_json=args.json, strict=args.strict
        )
    if command == "export":
        if args.out == "-":
            sys.stdout.write(knowledge.document_json(knowledge.export_document_of(stores)))
        else:
            knowledge.export_json(stores, Path(args.out))
        return EXIT_OK
    raise AssertionError(f"unhandled command {command}")  # argparse prevents this


def _print_audit(doc: Any, *, as_json: bool, strict: bool) -> int:
    """Print the audit of ``doc``; 1 when it fails (errors, or warnings with ``strict``)."""
    from explorer.kb.audit import audit

    report = audit(doc)
    passed = report.passed(strict=strict)
    if as_json:
        _print_json({**report.as_json(), "strict": strict, "passed": passed})
    else:
        for finding in (*report.findings, *report.notes):
            print(finding)
        print(f"{report.summary()}: {'passed' if passed else 'FAILED'}")
    return EXIT_OK if passed else EXIT_REFUSED


LIST_FIELDS = ("slug", "name", "plain_name", "category", "approach", "invasiveness", "conditions")
"""``kb list --json``: the catalog row's identifying fields (its derived ones stay inside)."""


def _kb_read(args: argparse.Namespace, repo: Any) -> int:
    # The JSON of the domain objects, fields in their declared order
    # (docs/knowledge-base.md, 'JSON output, field by field').
    from dataclasses import asdict

    command = args.kb_command
    if command == "list":
        summaries = repo.treatment_summaries()
        if args.json:
            _print_json([{k: getattr(s, k) for k in LIST_FIELDS} for s in summaries])
        else:
            for s in summaries:
                print(f"{s.slug:34} {s.name}  [{s.approach}, {s.invasiveness}]")
        return EXIT_OK
    if command == "show":
        treatment = repo.treatment(args.slug)
        if treatment is None:
            known = ", ".join(s.slug for s in repo.treatment_summaries())
            _error(f"no treatment {args.slug!r}; known: {known}")
            return EXIT_USAGE
        if args.json:
            _print_json(asdict(treatment))
        else:
            _print_treatment(treatment)
        return EXIT_OK
    if command == "stats":
        stats = repo.statistics()
        if args.json:
            _print_json([asdict(s) for s in stats])
        else:
            for st in stats:
                flag = " [CAUTION: " + st.source.kind + "]" if st.source.needs_caution else ""
                print(f"{st.label}: {st.value:g} {st.unit}{flag}\n    {st.source.citation}")
        return EXIT_OK
    raise AssertionError(f"unhandled command {command}")  # argparse prevents this


def _print_treatment(t: Any) -> None:
    print(f"{t.name}  ({t.category}; {t.approach}, {t.invasiveness})")
    print(f"  How it works: {t.mechanism}")
    print(f"  Time to effect: {t.timeframe.onset_text}; course: {t.timeframe.course}")
    for f in t.findings:
        print(
            f"  - {f.condition} / {f.outcome} vs {f.comparison}: {f.effect} "
            f"[{f.certainty} certainty; {f.timepoint}]"
        )
    for h in t.harms:
        print(f"  ! Harm: {h.description} ({h.frequency})")
    print(f"  Last reviewed: {t.last_reviewed}")


def run_command(args: argparse.Namespace, backend: Backend) -> int:
    """Run the command parsed into ``args`` on ``backend``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from explorer.errors import UserFacingError
    from explorer.kb.content_errors import ContentError

    try:
        if not (
            args.command == "db"
            or (args.command == "kb" and args.kb_command == "validate")
            or (args.command == "kb" and args.kb_command == "audit" and args.path is not None)
        ):
            _make_private(backend)
        if args.command == "export":
            return _export(args, backend)
        if args.command in ("pin", "audit"):
            from explorer.cli import clinic as cli_clinic

            return cli_clinic.run(args, backend)
        if args.command == "db":
            from explorer.cli import db as cli_db

            return cli_db.run(args, backend)
        if args.command in ("backup", "restore"):
            from explorer.cli import backup as cli_backup

            return cli_backup.run(args, backend)
        return _run_kb(args, backend)
    except ContentError as exc:
        for problem in exc.problems:
            _error(str(problem))
        count = f"{exc.total} problem(s)"
        if exc.total > len(exc.problems):
            count += f", the first {len(exc.problems)} listed"
        if args.command == "kb" and args.kb_command in ("validate", "audit"):
            _error(f"invalid: {count}.")
        else:
            _error(f"refused: {count}; nothing was changed.")
        return EXIT_REFUSED
    except UserFacingError as exc:
        _error(str(exc))
        return EXIT_DATA
    except BrokenPipeError:
        raise  # `explorer kb list | head`: the reader stopped; explorer.cli.main handles it
    except OSError as exc:  # a file refused (permissions, full or read-only disk): never
        # a traceback, and never exit 1, which means "content refused"
        from explorer.store.sqlite_files import describe_failure

        logging.getLogger(__name__).debug("file refused", exc_info=True)
        _error(describe_failure(Path(exc.filename or "the data folder"), exc))
        return EXIT_DATA


def _make_private(backend: Backend) -> None:
    """Every start makes the data folder's clinic data private to this user
    (docs/privacy.md); what cannot be changed is said once, and the command goes on."""
    from explorer.services.private_data import make_data_private

    problem = make_data_private(backend)
    if problem is not None:
        _error(f"warning: {problem}")


def _export(args: argparse.Namespace, backend: Backend) -> int:
    """``explorer export``: the comparison PDF, headless (one-line errors, exit codes)."""
    import os

    from explorer.domain.text import TextKind, clean_text, repeated
    from explorer.fileio import read_text_file, writable_target
    from explorer.services.explorer_data import open_service

    notes = ""
    if args.notes_file is not None:
        try:
            notes = read_text_file(args.notes_file, what="notes file")
        except FileNotFoundError:
            _error(f"notes file not found: {args.notes_file}")
            return EXIT_USAGE
        # anything else (unreadable, binary, too large…) is a UserFacingError: exit 3
    if args.out.is_dir():
        _error(f"{args.out} is a folder; give the PDF's file name, e.g. {args.out / 'summary.pdf'}")
        return EXIT_USAGE
    if not args.out.parent.is_dir():
        _error(f"cannot write {args.out}: the folder {args.out.parent} does not exist")
        return EXIT_DATA
    writable_target(args.out)  # a pipe, device or write-protected file: say so before drawing
    slugs = [s.strip() for s in args.treatments.split(",") if s.strip()]
    if not 1 <= len(slugs) <= 6:
        _error("give 1 to 6 treatment slugs, comma-separated")
        return EXIT_USAGE
    twice = repeated(slugs)
    if twice:
        _error(
            f"--treatments names {', '.join(twice)} more than once; give each treatment once, "
            "e.g. --treatments exercise-therapy,tens"
        )
        return EXIT_USAGE
    patient_label = clean_text(args.patient_label, TextKind.LABEL)
    service = open_service(backend)
    try:
        snapshot = service.snapshot()
        conditions = {c.slug for c in snapshot.conditions}
        condition = None if args.condition == "all" else args.condition
        if condition is not None and condition not in conditions:
            _error(f"no condition {args.condition!r}; known: all, {', '.join(sorted(conditions))}")
            return EXIT_USAGE
        treatments = [service.treatment(slug) for slug in slugs]
        unknown = [slug for slug, t in zip(slugs, treatments, strict=True) if t is None]
        if unknown:
            known = ", ".join(t.slug for t in snapshot.treatments)
            _error(f"no treatment {', '.join(map(repr, unknown))}; known: {known}")
            return EXIT_USAGE
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and (
            sys.platform.startswith("linux")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # The report path paints with QtGui only (QTextDocument, QPdfWriter, QPainter on a
        # QImage): a QGuiApplication is enough, and QtWidgets is never loaded.
        from PySide6.QtGui import QGuiApplication

        logging.getLogger("qt").propagate = False
        app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
        from explorer.report.build import build_report, export_pdf

        content, images = build_report(
            snapshot,
            [t for t in treatments if t is not None],
            condition,
            variant=args.variant,
            notes=notes,
            patient_label=patient_label,
        )
        pages = export_pdf(args.out, content, images, pdfa=args.pdfa)
        del app
    finally:
        service.close()
    print(f"wrote {args.out} ({pages} page{'s' if pages != 1 else ''}, {args.variant})")
    return EXIT_OK
