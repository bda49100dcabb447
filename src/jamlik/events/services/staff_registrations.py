"""A coordinator registers other people: one person (``registration_create_by_staff``) or a
list from a CSV or XLSX file (``registrations_import``, all or nothing).

Both go through the very decision a self-registration makes (``registrations._register``:
the event locked by ``seats.open_seats``, the phase, the placement in the organisation's
allocation as through the organisation's link, the confirmation mail with the manage link).
The person's organisation must be in the coordinator's scope (``policies.may_register_others``);
an address that already holds a registration of the event is refused (409 for one person, a
line error in a list) rather than answered with the existing registration, as a
self-registration is: the coordinator must learn of it.

The import first checks every row without the lock (the file, the columns, each row's fields,
the organisation codes and the scope, addresses twice in the file); then ONE transaction locks
the event first, as the single path does, checks the addresses already registered under that
lock and registers the rows in order, each in a savepoint through the same decision. When any
row is refused (no seat and no waiting list, an address already registered) the transaction is
rolled back, so nothing is stored and no mail is queued, and the answer lists the lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from jamlik.core.audit import audit_log
from jamlik.core.errors import Invalid, JamlikError
from jamlik.events import policies
from jamlik.events.errors import AlreadyRegistered
from jamlik.events.inputs import RegistrationIn, StaffRegistrationIn
from jamlik.events.models import ACTIVE_STATUSES, Category, Event, Registration, Status
from jamlik.events.services._checks import _check_phase, active_registration_for, person_for_event
from jamlik.events.services.registrations import RegistrationOutcome, _register
from jamlik.events.services.seats import open_seats

MAX_IMPORT_ROWS = 1000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_COLUMNS = 30

# The columns of a list, by their names in Swedish (the template's) and in English. A name
# is compared without case, spaces, hyphens and underscores ("E-post", "e_post", "epost").
COLUMNS = ("name", "email", "organisation", "title", "manager_email")
TEMPLATE_HEADER = ["Namn", "E-post", "Organisationskod", "Befattning", "Chefens e-post"]
TEMPLATE_EXAMPLE = ["Anna Andersson", "anna.andersson@example.se", "ABC", "Handläggare", ""]
_HEADERS = {
    "namn": "name", "name": "name", "fulltnamn": "name", "fullname": "name",
    "epost": "email", "epostadress": "email", "email": "email", "mail": "email",
    "emailaddress": "email",
    "organisationskod": "organisation", "organisation": "organisation", "orgkod": "organisation",
    "kod": "organisation", "organisationcode": "organisation", "orgcode": "organisation",
    "code": "organisation",
    "befattning": "title", "titel": "title", "yrkestitel": "title", "title": "title",
    "jobtitle": "title",
    "chefensepost": "manager_email", "chefsepost": "manager_email", "chef": "manager_email",
    "chefepost": "manager_email", "manageremail": "manager_email", "manager": "manager_email",
}  # fmt: skip


def _column_key(raw: Any) -> str:
    text = unicodedata.normalize("NFC", str(raw or "")).strip().lstrip("\ufeff").lower()
    return "".join(ch for ch in text if ch not in " -_.")


def default_category(event: Event) -> str:
    """The category of a person registered by a coordinator when none is given: employee
    when the event takes employees, else the event's first category."""
    categories = list(event.categories or [])
    if Category.EMPLOYEE in categories or not categories:
        return str(Category.EMPLOYEE)
    return str(categories[0])


# ---- One person ---------------------------------------------------------------------------------


def registration_create_by_staff(
    *,
    actor: Any,
    event: Event,
    data: StaffRegistrationIn | Mapping[str, Any] | None = None,
    language: str = "sv",
    **fields: Any,
) -> RegistrationOutcome:
    """Register one person for the event on their behalf (``data``: a
    ``StaffRegistrationIn`` or its fields). 403 unless the actor may register people of the
    organisation; 400 for an unknown organisation or what the event does not take; 409 when
    the address already holds a registration, or when the seat rules refuse (no seat and no
    waiting list, registration closed)."""
    policies.require(policies.may_register_others, actor)
    payload = StaffRegistrationIn.take(data, **fields)
    organisation = _organisation_by_id(payload.organisation)
    policies.require(policies.may_register_others, actor, organisation)
    if payload.protected_identity:
        # Whoever may not see a protected person may not make one either.
        policies.require(policies.may_see_protected_identity, actor)
    registration_in = _registration_in(event, payload.model_dump(exclude={"protected_identity"}))
    person = person_for_event(event, registration_in)
    person["protected_identity"] = payload.protected_identity
    if active_registration_for(event, registration_in.email) is not None:
        raise _already_registered()
    with transaction.atomic():
        try:
            outcome = _register(
                event=event,
                organisation=organisation,
                person=person,
                session_ids=[],
                language=language,
                via_link=True,
                actor=actor,
                participation=registration_in.participation,  # hybrid
            )
        except IntegrityError:
            # Registered in the moment between the check above and the lock.
            if active_registration_for(event, registration_in.email) is None:
                raise
            raise _already_registered() from None
        audit_log(
            actor=actor,
            action="events.registration.registered_by_staff",
            obj=outcome.registration,
            new={
                "event": event.pk,
                "organisation": organisation.pk,
                "status": outcome.registration.status,
                "protected_identity": payload.protected_identity,
            },
        )
    return outcome


def _already_registered() -> AlreadyRegistered:
    message = _("That address already holds a registration for this event.")
    return AlreadyRegistered(message, errors=[{"field": "email", "message": message}])


def _organisation_by_id(pk: int) -> Any:
    from jamlik.orgs.models import Organisation

    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Invalid.field(
            "organisation", _("Choose an organisation."), code="unknown_organisation"
        )
    return organisation


def _registration_in(event: Event, values: Mapping[str, Any]) -> RegistrationIn:
    """The fields of a self-registration: the category picked for the event when none is
    given; the consent is the coordinator's, who registers the person on their behalf."""
    person = {key: values[key] for key in values if key != "organisation"}
    person["category"] = person.get("category") or default_category(event)
    return RegistrationIn.take({**person, "consent": True})


# ---- A list ---------------------------------------------------------------------------------------


@dataclass
class ImportedRow:
    line: int
    values: dict[str, Any]
    organisation: Any = None
    person: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    registrations: list[Registration]

    def count(self, status: str) -> int:
        return sum(1 for r in self.registrations if r.status == status)

    @property
    def created(self) -> int:
        return len(self.registrations)

    @property
    def confirmed(self) -> int:
        return self.count(Status.CONFIRMED)

    @property
    def pending_approval(self) -> int:
        return self.count(Status.PENDING_APPROVAL)

    @property
    def waiting(self) -> int:
        return self.count(Status.WAITING)


class ImportRefused(Invalid):
    """400 with one error per line (``field``: ``rows.<line>``, or ``file``); nothing stored."""

    code = "import_invalid"

    def __init__(self, errors: list[tuple[int | None, str]]) -> None:
        items = [
            {"field": "file" if line is None else f"rows.{line}", "message": message}
            for line, message in errors
        ]
        if len(errors) == 1 and errors[0][0] is None:
            detail = errors[0][1]
        else:
            lines = len({line for line, _message in errors})
            detail = _("%(n)s rows of the list cannot be registered; nothing was saved.") % {
                "n": lines
            }
        super().__init__(detail, errors=items)


def registrations_import(
    *,
    actor: Any,
    event: Event,
    file: Any,
    category: str = "",
    language: str = "sv",
) -> ImportResult:
    """Register everyone on the list (``file``: an uploaded file, or bytes) or nobody. 403
    unless the actor may register people at all; 400 ``import_invalid`` with an error per
    line (in the request's language, "Rad 4: e-postadressen saknas") when the file or any row
    is refused; 409 when the event takes no registrations now."""
    policies.require(policies.may_register_others, actor)
    if category and category not in (event.categories or []):
        raise Invalid.field(
            "category", _("This event is not open to that category."), code="category_not_allowed"
        )
    records = read_list(file)
    rows = _checked_rows(actor, event, records, category or default_category(event))
    registrations: list[Registration] = []
    with transaction.atomic():
        # The lock first, as every seat decision takes it: the addresses already registered
        # and every row's place are decided under it, and no other decision of the event
        # comes in between the rows.
        seats = open_seats(event.pk)
        _check_phase(seats, via_link=True)
        errors = _registered_already(event, rows)
        if errors:
            raise ImportRefused(errors)
        for row in rows:
            try:
                outcome = _register(
                    event=event,
                    organisation=row.organisation,
                    person=row.person,
                    session_ids=[],
                    language=language,
                    via_link=True,
                    actor=actor,
                )
            except IntegrityError:
                errors.append((row.line, _line(row.line, _("the address is already registered."))))
            except JamlikError as exc:
                errors.append((row.line, _line(row.line, str(exc.message))))
            else:
                registrations.append(outcome.registration)
        if errors:
            raise ImportRefused(errors)  # rolls back every row and its queued mail
        result = ImportResult(registrations)
        audit_log(
            actor=actor,
            action="events.registrations.imported",
            obj=event,
            new={
                "rows": result.created,
                "confirmed": result.confirmed,
                "pending_approval": result.pending_approval,
                "waiting": result.waiting,
            },
        )
    return result


def _line(line: int, message: str) -> str:
    return _("Row %(line)s: %(message)s") % {"line": line, "message": message}


def _checked_rows(
    actor: Any, event: Event, records: list[tuple[int, dict[str, str]]], category: str
) -> list[ImportedRow]:
    """Every row checked without the lock: its fields (the input model of one person), its
    organisation (by code, in the actor's scope), what the event requires, no address twice."""
    from jamlik.orgs.models import Organisation

    codes = {r["organisation"].lower() for _line_no, r in records if r.get("organisation")}
    organisations = {
        o.code_lower: o
        for o in Organisation.objects.annotate(code_lower=Lower("code")).filter(
            code_lower__in=codes
        )
    }
    errors: list[tuple[int | None, str]] = []
    rows: list[ImportedRow] = []
    first_line: dict[str, int] = {}
    for line, record in records:
        problems = _row_problems(event, record, category)
        code = record.get("organisation", "")
        organisation = organisations.get(code.lower()) if code else None
        if not code:
            problems.append(_("the organisation code is missing."))
        elif organisation is None:
            problems.append(_("no organisation has the code “%(code)s”.") % {"code": code[:40]})
        elif not policies.may_register_others(actor, organisation):
            problems.append(
                _("%(organisation)s is outside the organisations you may register people of.")
                % {"organisation": organisation.name}
            )
        email = record.get("email", "").strip().lower()
        if email and email in first_line:
            problems.append(
                _("the address is on row %(first)s already.") % {"first": first_line[email]}
            )
        elif email:
            first_line[email] = line
        if problems:
            errors.extend((line, _line(line, p)) for p in problems)
            continue
        values = {k: record.get(k, "") for k in ("name", "email", "title", "manager_email")}
        person = person_for_event(event, _registration_in(event, {**values, "category": category}))
        rows.append(ImportedRow(line, values, organisation, person))
    if errors:
        raise ImportRefused(errors)
    return rows


_MISSING = {
    "name": lambda: _("the name is missing."),
    "email": lambda: _("the e-mail address is missing."),
}
_LABELS = {
    "name": lambda: _("name"),
    "email": lambda: _("e-mail address"),
    "title": lambda: _("job title"),
    "manager_email": lambda: _("manager's e-mail"),
    "category": lambda: _("category"),
}


def _row_problems(event: Event, record: Mapping[str, str], category: str) -> list[str]:
    """The row's fields as the input model of one person and the event's rules see them."""
    problems: list[str] = []
    for name in ("name", "email"):
        if not record.get(name, "").strip():
            problems.append(_MISSING[name]())
    values = {
        "name": record.get("name", ""),
        "email": record.get("email", ""),
        "title": record.get("title", ""),
        "manager_email": record.get("manager_email", ""),
        "category": category,
        "consent": True,
    }
    try:
        payload = RegistrationIn.take(values)
    except Invalid as exc:
        for item in exc.errors:
            name = str(item["field"]).split(".")[0]
            if name in ("name", "email") and not record.get(name, "").strip():
                continue  # said above
            label = _LABELS.get(name, lambda n=name: n)()
            problems.append(
                _("%(field)s: %(message)s") % {"field": label, "message": item["message"]}
            )
        return problems
    if event.approval_required and not payload.manager_email:
        problems.append(_("the manager's e-mail is needed for the approval."))
    return problems


def _registered_already(event: Event, rows: Iterable[ImportedRow]) -> list[tuple[int | None, str]]:
    by_email = {row.person["email"].lower(): row.line for row in rows}
    taken = (
        Registration.objects.alias(email_lower=Lower("email"))
        .filter(event=event, email_lower__in=list(by_email), status__in=ACTIVE_STATUSES)
        .values_list("email", flat=True)
    )
    lines = sorted(by_email[email.lower()] for email in taken)
    return [
        (line, _line(line, _("the address is already registered for this event.")))
        for line in lines
    ]


# ---- Reading the file ---------------------------------------------------------------------------


def read_list(file: Any) -> list[tuple[int, dict[str, str]]]:
    """The people of an uploaded list as ``(row number, {column: text})``, the header being
    row 1 and empty rows skipped (their numbers are kept, as the spreadsheet shows them).
    400 ``import_invalid`` (field ``file``) when the file as a whole cannot be used."""
    content = _content(file)
    if not content.strip():
        raise ImportRefused([(None, _("The file is empty."))])
    if content[:4] == b"PK\x03\x04":
        table = _xlsx_rows(content)
    else:
        table = _csv_rows(content)
    header: list[Any] | None = None
    records: list[tuple[int, dict[str, str]]] = []
    columns: list[str | None] = []
    for number, values in table:
        if all(_text(v) == "" for v in values):
            continue
        if header is None:
            header = values
            columns = _columns(values)
            continue
        if len(records) >= MAX_IMPORT_ROWS:
            raise ImportRefused(
                [
                    (
                        None,
                        _("At most %(n)s people can be imported at a time.")
                        % {"n": MAX_IMPORT_ROWS},
                    )
                ]
            )
        record = {
            column: _text(values[i]) if i < len(values) else ""
            for i, column in enumerate(columns)
            if column
        }
        records.append((number, record))
    if not records:
        raise ImportRefused([(None, _("The list contains nobody to register."))])
    return records


def _content(file: Any) -> bytes:
    if isinstance(file, (bytes, bytearray)):
        content = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_IMPORT_BYTES:
            raise _too_large()
        content = file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise _too_large()
    return content


def _too_large() -> ImportRefused:
    return ImportRefused([(None, _("The file is larger than 2 MB."))])


def _columns(header: list[Any]) -> list[str | None]:
    columns = [_HEADERS.get(_column_key(raw)) for raw in header]
    missing = [name for name in ("name", "email", "organisation") if name not in columns]
    if missing:
        raise ImportRefused(
            [
                (
                    None,
                    _(
                        "The first row must name the columns: %(columns)s (job title and "
                        "manager's e-mail may be added). Download the template to see how."
                    )
                    % {"columns": ", ".join(TEMPLATE_HEADER[:3])},
                )
            ]
        )
    seen: set[str] = set()
    for position, name in enumerate(columns):
        if name in seen:
            columns[position] = None  # the first column of a name counts
        elif name:
            seen.add(name)
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return str(value).strip()


def _csv_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    if b"\x00" in content:
        raise ImportRefused([(None, _("The file is not a CSV or XLSX file."))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            [(None, _("The file is not in UTF-8: save it as “CSV UTF-8” or as an XLSX workbook."))]
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    non_empty = 0
    try:
        for number, values in enumerate(reader, start=1):
            rows.append((number, values[:MAX_IMPORT_COLUMNS]))
            if any(v.strip() for v in values):
                non_empty += 1
                if non_empty > MAX_IMPORT_ROWS + 1:
                    break  # too many: read_list says so without reading the rest
    except csv.Error:
        raise ImportRefused([(None, _("The file could not be read as CSV."))]) from None
    return rows


def _xlsx_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    rows: list[tuple[int, list[Any]]] = []
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            non_empty = 0
            for number, values in enumerate(
                sheet.iter_rows(max_col=MAX_IMPORT_COLUMNS, values_only=True), start=1
            ):
                row = list(values)
                rows.append((number, row))
                if any(_text(v) for v in row):
                    non_empty += 1
                    if non_empty > MAX_IMPORT_ROWS + 1:
                        break  # too many: read_list says so without reading the rest
                elif number - non_empty > 10 * MAX_IMPORT_ROWS:
                    break  # a sheet of empty rows (formatting down to row 1,048,576)
        finally:
            book.close()
    except Exception:  # openpyxl raises many kinds of errors for a broken or foreign workbook
        raise ImportRefused(
            [(None, _("The file could not be read as an XLSX workbook."))]
        ) from None
    return rows
