"""Every change to assessments: loading frameworks, campaigns and their responses, answers,
submitting and reopening, invitations and reminders, actions, the XLSX export as a file job.

``actor`` is the staff user making the change, or None for the command line and the demo
(trusted). A unit's respondent acting through the respondent link has no account: those calls
pass ``by_respondent=True`` and are limited to the open campaign (or a reopened response).
"""

from jamlik.assessments.services.actions import action_create, action_update
from jamlik.assessments.services.campaigns import (
    campaign_create,
    campaign_invite,
    campaign_remind,
    campaign_reminder_run,
    campaign_units,
    campaign_update,
    reminders_send_due,
    response_recipients,
    response_respondents_set,
    schedule_reminders,
)
from jamlik.assessments.services.common import (
    RESPONDENT_LABEL,
    FrameworkLocked,
    Incomplete,
    NotOpen,
    NotSubmitted,
    ResponseLocked,
)
from jamlik.assessments.services.exports import (
    CAMPAIGN_REPORT,
    CAMPAIGN_XLSX,
    campaign_export_now_or_job,
    campaign_export_start,
    campaign_report_build,
    campaign_report_start,
    campaign_xlsx_build,
)
from jamlik.assessments.services.frameworks import (
    LoadResult,
    framework_load,
    frameworks_load_builtin,
)
from jamlik.assessments.services.responses import (
    answers_save,
    response_may_change,
    response_reopen,
    response_submit,
)

__all__ = [
    "CAMPAIGN_REPORT",
    "CAMPAIGN_XLSX",
    "RESPONDENT_LABEL",
    "FrameworkLocked",
    "Incomplete",
    "LoadResult",
    "NotOpen",
    "NotSubmitted",
    "ResponseLocked",
    "action_create",
    "action_update",
    "answers_save",
    "campaign_create",
    "campaign_export_now_or_job",
    "campaign_export_start",
    "campaign_invite",
    "campaign_remind",
    "campaign_reminder_run",
    "campaign_report_build",
    "campaign_report_start",
    "campaign_units",
    "campaign_update",
    "campaign_xlsx_build",
    "framework_load",
    "frameworks_load_builtin",
    "reminders_send_due",
    "response_may_change",
    "response_recipients",
    "response_reopen",
    "response_respondents_set",
    "response_submit",
    "schedule_reminders",
]
