"""``jamlik orgs import FILE`` and ``jamlik orgs export FILE``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jamlik.core.errors import Invalid
from jamlik.core.exports import xlsx_bytes
from jamlik.orgs import importing, services
from jamlik.orgs.models import Organisation


class Command(BaseCommand):
    help = "Import or export the organisation registry (CSV or XLSX)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Create or update organisations by code.")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")
        exp = sub.add_parser("export", help="Write the registry to a .csv or .xlsx file.")
        exp.add_argument("file")

    def handle(self, *args, action, file, **options):
        path = Path(file)
        if action == "export":
            return self._export(path)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            records = importing.read_file(content, path.name)
            report = services.organisations_import(
                actor=None, records=records, dry_run=options["dry_run"]
            )
        except Invalid as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        for row in report.rows:
            line = f"line {row.line}: {row.code or '-'}: {row.action}"
            if row.errors:
                line += " – " + "; ".join(str(e) for e in row.errors)
            self.stdout.write(line)
        summary = (
            f"created {report.count('created')}, updated {report.count('updated')}, "
            f"unchanged {report.count('unchanged')}, failed {len(report.failed)}"
        )
        if not report.ok:
            raise CommandError(f"{summary}. Nothing was saved.")
        self.stdout.write(summary + (" (dry run: nothing saved)" if options["dry_run"] else ""))

    def _export(self, path: Path) -> None:
        rows = importing.export_rows(list(Organisation.objects.order_by("path")))
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(xlsx_bytes([("Organisations", importing.EXPORT_COLUMNS, rows)]))
        else:
            import csv

            with path.open("w", newline="", encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(importing.EXPORT_COLUMNS)
                writer.writerows(rows)
        self.stdout.write(f"Wrote {len(rows)} organisations to {path}")
