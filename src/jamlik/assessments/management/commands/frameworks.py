"""``jamlik frameworks load FILE …``, ``jamlik frameworks load --builtin``,
``jamlik frameworks check FILE …``, ``jamlik frameworks list`` and
``jamlik frameworks keys [--format csv|json] [KEY VERSION]`` (docs/framework-keys.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jamlik.assessments import scorefiles, selectors, services
from jamlik.assessments.frameworks import FrameworkInvalid, parse_framework
from jamlik.assessments.selectors.scores import framework_keys
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
        keys = sub.add_parser(
            "keys",
            help="Write every area and requirement key (jamlik-framework-keys/1) of the loaded "
            "framework versions, or of one.",
        )
        keys.add_argument("--format", choices=["csv", "json"], default="json")
        keys.add_argument("framework", nargs="*", metavar="KEY VERSION")

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list()
        if action == "keys":
            return self._keys(options["framework"], options["format"])
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

    def _keys(self, framework: list[str], output: str) -> None:
        if len(framework) not in (0, 2):
            raise CommandError("Name a framework by KEY VERSION, or none for all.")
        frameworks = selectors.framework_list(user=None)
        if framework:
            frameworks = frameworks.filter(key=framework[0], version=framework[1])
            if not frameworks:
                raise CommandError(f"No framework {framework[0]} {framework[1]} is loaded.")
        entries = [framework_keys(f) for f in frameworks]
        write = scorefiles.keys_json if output == "json" else scorefiles.keys_csv
        self.stdout.write(write(entries), ending="" if output == "csv" else "\n")
