"""Reading organisation files (CSV in any of the encodings and separators Excel produces, or
XLSX) and checking every row before anything is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jamlik.core.errors import Invalid
from jamlik.core.scoping import Scope
from jamlik.orgs.chains import follow_link, loop_through
from jamlik.orgs.inputs import OrganisationIn
from jamlik.orgs.models import Kind, Organisation

MAX_ROWS = 20_000

# Column names in English (as exported) and in Swedish (as a person might write them).
HEADERS = {
    "code": "code", "kod": "code", "kortkod": "code",
    "name": "name", "namn": "name",
    "kind": "kind", "typ": "kind", "slag": "kind",
    "parent": "parent", "överordnad": "parent", "overordnad": "parent", "förälder": "parent",
    "mailbox": "mailbox", "funktionsbrevlåda": "mailbox", "brevlåda": "mailbox", "e-post": "mailbox",
    "domains": "domains", "domäner": "domains", "domaner": "domains",
    "valid_from": "valid_from", "giltig från": "valid_from", "giltig_från": "valid_from",
    "valid_to": "valid_to", "giltig till": "valid_to", "giltig_till": "valid_to",
    "successor": "successor", "efterträdare": "successor", "eftertradare": "successor",
    "short_name": "short_name", "kortnamn": "short_name", "kort namn": "short_name",
    "other_successors": "other_successors", "övriga efterträdare": "other_successors",
    "övriga_efterträdare": "other_successors", "ovriga eftertradare": "other_successors",
    "ovriga_eftertradare": "other_successors",
}  # fmt: skip
KIND_NAMES = {
    "nämnd": Kind.COMMITTEE, "namnd": Kind.COMMITTEE, "styrelse": Kind.COMMITTEE,
    "förvaltning": Kind.ADMINISTRATION, "forvaltning": Kind.ADMINISTRATION,
    "bolag": Kind.COMPANY, "enhet": Kind.UNIT, "extern": Kind.EXTERNAL,
}  # fmt: skip
EXPORT_COLUMNS = [
    "code", "name", "kind", "parent", "mailbox", "domains", "valid_from", "valid_to", "successor",
    "short_name", "other_successors",
]  # fmt: skip


@dataclass
class ImportRow:
    line: int
    code: str
    action: str = ""  # created, updated, unchanged, failed
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRow]
    file_error: str = ""

    @property
    def failed(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.failed

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)


def read_file(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Parse an uploaded file into ``(line number, {field: value})`` records.

    Raises Invalid with a message naming the problem when the file as a whole is unusable.
    """
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    if not rows:
        raise Invalid.field("file", _("The file is empty."))
    header, *body = rows
    columns = []
    for position, raw in enumerate(header):
        name = HEADERS.get(str(raw or "").strip().lower().lstrip("\ufeff"))
        columns.append(name)
        if raw not in (None, "") and name is None:
            raise Invalid.field(
                "file",
                _("Unknown column “%(column)s” (column %(n)s). Known columns: %(known)s.")
                % {"column": str(raw)[:60], "n": position + 1, "known": ", ".join(EXPORT_COLUMNS)},
            )
    if "code" not in columns or "name" not in columns:
        raise Invalid.field(
            "file", _("The first row must name the columns; code and name are required.")
        )
    if len(body) > MAX_ROWS:
        raise Invalid.field("file", _("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    records = []
    for index, values in enumerate(body, start=2):
        if all(v in (None, "") or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        record = {
            column: values[i] if i < len(values) else None
            for i, column in enumerate(columns)
            if column
        }
        records.append((index, record))
    return records


def _csv_rows(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise Invalid.field("file", _("The file is not a CSV or XLSX file."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Swedish Windows saves "CSV" as Windows-1252.
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a broken file
        raise Invalid.field("file", _("The file could not be read as an XLSX workbook.")) from None
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise ValidationError(
            _("%(label)s: “%(value)s” is not a date (YYYY-MM-DD).")
            % {"label": label, "value": _text(value)[:40]}
        ) from None


def _row_error(field: str, message: str, values: dict[str, Any]) -> str:
    """The model's error on one field, as the import has always reported it."""
    name = field.split(".")[0]  # "domains.2": the third domain
    if name == "kind":
        return _("kind: “%(kind)s” is not one of %(kinds)s.") % {
            "kind": str(values["kind"])[:40],
            "kinds": ", ".join(Kind.values),
        }
    if name == "valid_to":
        # The dates are parsed already: the model's only rule left is their order.
        return _("valid to: the end date comes before the start date.")
    labels = {
        "code": _("code: %(msg)s"),
        "name": _("name: %(msg)s"),
        "mailbox": _("mailbox: %(msg)s"),
        "domains": _("domains: %(msg)s"),
        "short_name": _("short name: %(msg)s"),
    }
    return labels[name] % {"msg": message} if name in labels else message


def prepare_rows(
    records: list[tuple[int, dict[str, Any]]],
    *,
    existing: dict[str, Organisation],
    scope: Scope | None,
) -> tuple[Any, list[tuple[Any, dict[str, Any]]]]:
    """Check every record; return the report and, when all is well, the rows in an order
    where every parent comes before its children."""

    rows: list[ImportRow] = []
    parsed: dict[str, tuple[ImportRow, dict[str, Any]]] = {}
    for line, record in records:
        row = ImportRow(line=line, code=_text(record.get("code")))
        rows.append(row)
        fields: dict[str, Any] = {}
        kind = _text(record.get("kind")).lower()
        values: dict[str, Any] = {
            "code": row.code,
            "name": _text(record.get("name")),
            "kind": KIND_NAMES.get(kind, kind),
            "mailbox": _text(record.get("mailbox")),
            "domains": [d for d in re.split(r"[\s,;|]+", _text(record.get("domains"))) if d],
        }
        if "short_name" in record:
            # Only a file with the column changes it (an older file keeps the short names).
            values["short_name"] = _text(record.get("short_name"))
        date_errors = []
        for name, label in (("valid_from", _("valid from")), ("valid_to", _("valid to"))):
            try:
                values[name] = _date(record.get(name), label)
            except ValidationError as exc:
                date_errors.append(exc.messages[0])
        try:
            fields.update(OrganisationIn.take(values).given())
        except Invalid as exc:
            row.errors.extend(_row_error(e["field"], str(e["message"]), values) for e in exc.errors)
        row.errors.extend(date_errors)
        fields["parent_code"] = _text(record.get("parent")).lower()
        fields["successor_code"] = _text(record.get("successor")).lower()
        # A split's other successors: codes separated by commas or spaces. None: the file
        # has no such column (an older file keeps the stored ones).
        others = (
            [c for c in re.split(r"[\s,;]+", _text(record.get("other_successors"))) if c]
            if "other_successors" in record
            else None
        )
        fields["other_codes"] = (
            list(dict.fromkeys(c.lower() for c in others)) if others is not None else None
        )
        # As written, for messages.
        fields["references"] = {
            "parent_code": _text(record.get("parent")),
            "successor_code": _text(record.get("successor")),
            "other_codes": {c.lower(): c for c in others or []},
        }
        key = row.code.lower()
        if key and key in parsed:
            row.errors.append(
                _("code: “%(code)s” appears more than once in the file (first on line %(line)s).")
                % {"code": row.code, "line": parsed[key][0].line}
            )
        elif key:
            parsed[key] = (row, fields)

    code_by_id: dict[int | None, str] = {org.pk: code for code, org in existing.items()}

    stored_others = stored_other_successors(existing)

    def other_codes(key: str) -> list[str]:
        """The other successors a row ends up with: the file's, or the stored ones."""
        if key in parsed and parsed[key][1]["other_codes"] is not None:
            return parsed[key][1]["other_codes"]
        return stored_others.get(key, [])

    def successors_of(key: str) -> list[str]:
        if key in parsed:
            return [parsed[key][1]["successor_code"], *other_codes(key)]
        org = existing.get(key)
        if org is None:
            return []
        return [code_by_id.get(org.successor_id, ""), *stored_others.get(key, [])]

    for key, (row, fields) in parsed.items():
        for ref, label in (("parent_code", _("parent")), ("successor_code", _("successor"))):
            code = fields[ref]
            if code and code not in parsed and code not in existing:
                row.errors.append(
                    _("%(label)s: no organisation has the code “%(code)s”.")
                    % {"label": label, "code": fields["references"][ref][:40]}
                )
        split_errors = _split_errors(key, fields, other_codes(key), parsed, existing)
        row.errors.extend(split_errors)
        if fields["successor_code"] == key:
            row.errors.append(_("successor: an organisation cannot succeed itself."))
        elif not split_errors:
            loop = loop_through(key, successors_of)
            if loop:
                row.errors.append(
                    _("successor: the successors form a loop (%(loop)s).")
                    % {"loop": " → ".join(loop)}
                )
        if scope is not None and not scope.everything:
            current = existing.get(key)
            if current is not None and not scope.covers(current):
                row.errors.append(
                    _("code: “%(code)s” belongs to another organisation.") % {"code": row.code}
                )

    order = _parent_first_order(parsed, existing, rows)
    if scope is not None and not scope.everything:
        _check_scope_of_parents(parsed, existing, scope)
    report = ImportReport(rows=rows)
    for row in rows:
        if not row.errors:
            row.action = "updated" if row.code.lower() in existing else "created"
        else:
            row.action = "failed"
    if not report.ok:
        return report, []
    return report, [parsed[key] for key in order]


def _split_errors(
    key: str, fields: dict[str, Any], others: list[str], parsed: dict, existing: dict
) -> list[str]:
    """A row's errors in the other successors (a split); the loop check is the caller's."""
    errors = []
    written = fields["references"]["other_codes"]
    for code in fields["other_codes"] or []:
        if code not in parsed and code not in existing:
            errors.append(
                _("%(label)s: no organisation has the code “%(code)s”.")
                % {"label": _("other successors"), "code": written.get(code, code)[:40]}
            )
    if key in others:
        errors.append(_("other successors: an organisation cannot succeed itself."))
    if fields["successor_code"] and fields["successor_code"] in others:
        errors.append(
            _("other successors: “%(code)s” is already the successor.")
            % {"code": fields["references"]["successor_code"][:40]}
        )
    if others and not fields["successor_code"]:
        errors.append(_("other successors: can only be given together with a successor."))
    return errors


def stored_other_successors(existing: dict[str, Organisation]) -> dict[str, list[str]]:
    """The registry's other successors by code (lower case), from one query."""
    code_by_id = {org.pk: code for code, org in existing.items()}
    through = Organisation.other_successors.through.objects.order_by("to_organisation_id")
    result: dict[str, list[str]] = {}
    for pk, other in through.values_list("from_organisation_id", "to_organisation_id"):
        if pk in code_by_id and other in code_by_id:
            result.setdefault(code_by_id[pk], []).append(code_by_id[other])
    return result


def _parent_first_order(parsed: dict, existing: dict, rows: list) -> list[str]:
    """Order the file's codes so parents come first, marking rows whose parent chain loops
    (through the file or through organisations already in the registry)."""

    code_by_id = {org.pk: code for code, org in existing.items()}

    def parent_of(key: str) -> str:
        if key in parsed:
            return parsed[key][1]["parent_code"]
        org = existing.get(key)
        return code_by_id.get(org.parent_id, "") if org is not None else ""

    order: list[str] = []
    done: set[str] = set()

    def parent_not_done(key: str) -> str:
        parent = parent_of(key)
        return "" if parent in done else parent

    for start in parsed:
        if start in done:
            continue
        chain, loop = follow_link(start, parent_not_done)
        if loop:
            for member in loop[:-1]:
                if member in parsed:
                    parsed[member][0].errors.append(
                        _("parent: the parents form a loop (%(loop)s).")
                        % {"loop": " → ".join(loop)}
                    )
            done.update(chain)
            continue
        for member in reversed(chain):
            done.add(member)
            if member in parsed:
                order.append(member)
    return order


def _check_scope_of_parents(parsed: dict, existing: dict, scope: Scope) -> None:
    """An org coordinator's new or moved organisations must hang below their own subtree."""
    code_by_id = {org.pk: code for code, org in existing.items()}
    for key, (row, fields) in parsed.items():
        parent = fields["parent_code"]
        current = existing.get(key)
        if current is not None and code_by_id.get(current.parent_id, "") == parent:
            continue
        # Walk up through the file to an organisation that already exists.
        seen = set()
        while parent in parsed and parent not in existing and parent not in seen:
            seen.add(parent)
            parent = parsed[parent][1]["parent_code"]
        anchor = existing.get(parent)
        if anchor is None or not scope.covers(anchor):
            row.errors.append(_("parent: choose a parent organisation within your own."))


def export_rows(organisations: list[Organisation]) -> list[list[Any]]:
    by_id: dict[int | None, Organisation] = {o.pk: o for o in organisations}
    other_ids: dict[int, list[int]] = {}
    # The whole (small) link table: a filter by hundreds of ids would cost more.
    through = Organisation.other_successors.through.objects.all()
    for pk, other in through.values_list("from_organisation_id", "to_organisation_id"):
        other_ids.setdefault(pk, []).append(other)
    rows = []
    for org in organisations:
        parent = by_id.get(org.parent_id)
        successor = by_id.get(org.successor_id)
        others = sorted(by_id[pk].code for pk in other_ids.get(org.pk, []) if pk in by_id)
        rows.append(
            [
                org.code,
                org.name,
                org.kind,
                parent.code if parent else "",
                org.mailbox,
                " ".join(org.domains or []),
                org.valid_from.isoformat() if org.valid_from else "",
                org.valid_to.isoformat() if org.valid_to else "",
                successor.code if successor else "",
                org.short_name,
                " ".join(others),
            ]
        )
    return rows
