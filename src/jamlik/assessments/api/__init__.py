"""The Assessments endpoints (docs/api.md#endpoints-assessments), thin: parse, one service
or selector, answer. One module per topic: ``frameworks``, ``campaigns`` (with summary,
comments and exports), ``responses``, ``public`` (the respondent's link), ``actions``,
``scores`` (the comparison files, docs/framework-keys.md), ``assignments`` (delegation
inside a unit: a response's colleagues and their links);
``common`` holds the router and what they share. Importing this package registers every
endpoint on ``router`` in that order.

Staff endpoints use the bearer token of core.api and are scoped by the selectors; the
respondent's endpoints (``/public/responses/{token}/…``) have ``auth=None`` and take the
respondent link's token as their credential. Added beside the contract: campaign detail and
PATCH, invitations and reminders, comments, response detail, respondents and versions, and
the public response's context (framework, answers, actions).
"""

# The order the endpoints are registered in, and so listed in the OpenAPI document.
# isort: off
from jamlik.assessments.api import frameworks  # noqa: F401
from jamlik.assessments.api import campaigns  # noqa: F401
from jamlik.assessments.api import responses  # noqa: F401
from jamlik.assessments.api import public  # noqa: F401
from jamlik.assessments.api import actions  # noqa: F401
from jamlik.assessments.api import scores  # noqa: F401
from jamlik.assessments.api import assignments  # noqa: F401
from jamlik.assessments.api import evidence  # noqa: F401

# isort: on
from jamlik.assessments.api.common import router

__all__ = ["router"]
