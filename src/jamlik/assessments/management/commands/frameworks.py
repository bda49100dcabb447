"""``jamlik frameworks load FILE …``, ``jamlik frameworks load --builtin``,
``jamlik frameworks check FILE …`` and ``jamlik frameworks list``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jamlik.assessments import selectors, services
from jamlik.assessments.frameworks import FrameworkInvalid, parse_framework
from jamlik.core.errors import JamlikError


class Command(BaseCommand):
    help = "Load, check or list self-assessment frameworks (YAML files)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load framework versions from YAML files.")
        load.add_argument("files", nargs="*")
        load.add_argument(
            "--builtin", action="store_true", help="Load the frameworks shipped with Jämlik."
        )
        check = sub.add_parser("check", help="Validate YAML files without loading them.")
        check.add_argument("files", nargs="+")
        sub.add_parser("list", help="List the loaded framework versions.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list()
        files = [Path(f) for f in options.get("files") or []]
        if action == "check":
            return self._check(files)
        if not files and not options["builtin"]:
            raise CommandError("Name one or more files, or --builtin.")
        results = []
        try:
            if options["builtin"]:
                results += services.frameworks_load_builtin(actor=None)
            for path in files:
                results.append(
                    services.framework_load(source=self._read(path), name=path.name, actor=None)
                )
        except JamlikError as exc:
            raise CommandError(str(exc.message)) from exc
        for result in results:
            framework = result.framework
            self.stdout.write(
                f"{framework.key} {framework.version}: {result.action} "
                f"({framework.requirements.count()} requirements)"
            )

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc

    def _check(self, files: list[Path]) -> None:
        failed = 0
        for path in files:
            try:
                spec = parse_framework(self._read(path), path.name)
            except FrameworkInvalid as exc:
                failed += 1
                for problem in exc.problems:
                    self.stderr.write(str(problem))
                continue
            self.stdout.write(
                f"{path.name}: {spec.key} {spec.version}, {len(spec.areas)} areas, "
                f"{spec.requirement_count()} requirements: OK"
            )
        if failed:
            raise CommandError(f"{failed} file(s) with problems.")

    def _list(self) -> None:
        for framework in selectors.framework_list(user=None):
            state = "in use" if framework.locked else "not used"
            self.stdout.write(
                f"{framework.pk:>4}  {framework.key} {framework.version}  "
                f"{len(framework.requirements.all())} requirements  {state}  {framework.title}"
            )
