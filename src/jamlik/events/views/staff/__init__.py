"""Organiser pages under /events/ (login required): one module per topic; this package
re-exports the views ``events/urls.py`` names.

Events, allocations and the programme are visible to all staff; only city coordinators and
admins change them. People are always read through ``selectors`` (scoped): an org coordinator
sees their organisation's subtree only, and anything else answers 404.
"""

from jamlik.events.views.staff.checkin import checkin, checkin_do, checkin_scan, checkin_undo
from jamlik.events.views.staff.dashboard import dashboard, message, statistics
from jamlik.events.views.staff.events import (
    allocation_delete,
    allocation_form,
    event_create,
    event_edit,
    event_list,
    session_delete,
    session_form,
)
from jamlik.events.views.staff.links import (
    link_create,
    link_list,
    link_regenerate,
    link_revoke,
    links_send,
)
from jamlik.events.views.staff.registrations import (
    badges_job,
    badges_pdf,
    export_csv,
    export_xlsx,
    registration_cancel,
    registration_check_in,
    registration_check_in_undo,
    registration_detail,
    registration_erase,
    registration_resend_link,
    registration_sessions,
)

__all__ = [
    "allocation_delete",
    "allocation_form",
    "badges_job",
    "badges_pdf",
    "checkin",
    "checkin_do",
    "checkin_scan",
    "checkin_undo",
    "dashboard",
    "event_create",
    "event_edit",
    "event_list",
    "export_csv",
    "export_xlsx",
    "link_create",
    "link_list",
    "link_regenerate",
    "link_revoke",
    "links_send",
    "message",
    "registration_cancel",
    "registration_check_in",
    "registration_check_in_undo",
    "registration_detail",
    "registration_erase",
    "registration_resend_link",
    "registration_sessions",
    "session_delete",
    "session_form",
    "statistics",
]

# The radar of unused seats before the release.
from jamlik.events.views.staff.radar import radar

__all__ += ["radar"]

# A coordinator registers other people (one by one, or a list).
from jamlik.events.views.staff.register_others import (  # noqa: E402
    register_import,
    register_person,
    register_template,
)

__all__ += ["register_import", "register_person", "register_template"]

# Named invitations (the list with its counts, one person, a list, the reminder).
from jamlik.events.views.staff.invitations import (  # noqa: E402
    invitation_create,
    invitation_import,
    invitation_list,
    invitations_remind,
)

__all__ += ["invitation_create", "invitation_import", "invitation_list", "invitations_remind"]
