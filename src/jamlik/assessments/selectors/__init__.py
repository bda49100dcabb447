"""Every read of assessments, scoped to the caller; one module per topic, every public name
re-exported here (``from jamlik.assessments import selectors; selectors.campaign_get(...)``):
``campaigns`` (frameworks, campaigns, progress, responses), ``summary`` (the summary figures
and heat map as aggregate queries), ``comments``, ``actions``.

Org coordinators see campaigns that reach into their subtree, and of those only their own
units' responses, answers, figures and actions (through ``core.scoping`` on the response's
unit or the action's organisation). Out of scope is 404.
"""

from jamlik.assessments.selectors.actions import (
    action_get,
    action_list,
    actions_for_requirements,
)
from jamlik.assessments.selectors.campaigns import (
    TOKEN_RE,
    ProgressRow,
    answer_list,
    campaign_get,
    campaign_list,
    campaign_progress,
    campaign_ref,
    framework_get,
    framework_list,
    framework_ref,
    framework_structure,
    organisation_filter,
    progress_total,
    response_for_token,
    response_get,
    response_list,
    response_versions,
)
from jamlik.assessments.selectors.comments import (
    CommentGroup,
    CommentItem,
    campaign_comments,
)
from jamlik.assessments.selectors.summary import (
    WEAKEST,
    AreaResult,
    Change,
    Comparison,
    OrganisationResult,
    RequirementResult,
    Summary,
    campaign_heat_map,
    campaign_summary,
)

__all__ = [
    "TOKEN_RE",
    "WEAKEST",
    "AreaResult",
    "Change",
    "CommentGroup",
    "CommentItem",
    "Comparison",
    "OrganisationResult",
    "ProgressRow",
    "RequirementResult",
    "Summary",
    "action_get",
    "action_list",
    "actions_for_requirements",
    "answer_list",
    "campaign_comments",
    "campaign_get",
    "campaign_heat_map",
    "campaign_list",
    "campaign_progress",
    "campaign_ref",
    "campaign_summary",
    "framework_get",
    "framework_list",
    "framework_ref",
    "framework_structure",
    "organisation_filter",
    "progress_total",
    "response_for_token",
    "response_get",
    "response_list",
    "response_versions",
]
