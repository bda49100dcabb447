"""Content-Security-Policy: every page is sent with a policy that allows no inline script, no
eval and no inline style, and no page needs one: the HTML carries no inline <script>, no
on…= handler, no javascript: URL, no style attribute and no <style> element (each of them
would be blocked by the browser, or need 'unsafe-inline'). Walks every page of the site as
each staff role and as a visitor with a token link, plus htmx fragments, error pages and
the Django admin."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone

from jamlik.assessments import services as assessment_services
from jamlik.assessments.models import Assignment
from jamlik.assessments.services import CAMPAIGN_XLSX
from jamlik.assessments.services.evidence import evidence_add
from jamlik.core.models import FileJob
from jamlik.events import services as event_services
from jamlik.events.models import Invitation
from jamlik.reviews import services as review_services
from jamlik.reviews.services.documentation import documentation_save
from tests.factories import assessments as af
from tests.factories import reviews as rf
from tests.factories.events import AllocationFactory, EventFactory, SessionFactory, register

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


# ---- checks ----------------------------------------------------------------------------------


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """Collects everything in a document that a policy without 'unsafe-inline' blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.htmx_configs: list[str] = []
        self.loads_htmx = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            value = (value or "").strip()
            if name == "style":
                self.found.append(f"line {line}: style attribute on <{tag}>: {value!r}")
            elif name.startswith("on"):
                self.found.append(f"line {line}: handler {name}= on <{tag}>")
            elif name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"line {line}: {name}= on <{tag}> (htmx evaluates it)")
            elif name in URL_ATTRIBUTES and value.lower().startswith("javascript:"):
                self.found.append(f"line {line}: javascript: URL in {name}= on <{tag}>")
            elif name in ("hx-trigger", "data-hx-trigger") and "[" in value:
                self.found.append(f"line {line}: htmx event filter (eval) in {value!r}")
            elif name in ("hx-vals", "hx-vars", "data-hx-vals", "data-hx-vars") and (
                name.endswith("vars") or value.startswith(("js:", "javascript:"))
            ):
                self.found.append(f"line {line}: {name}= evaluated by htmx: {value!r}")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        if tag == "script" and not attributes.get("src"):
            kind = (attributes.get("type") or "").strip().lower()
            if kind in EXECUTABLE_SCRIPT_TYPES:
                self.found.append(f"line {line}: inline <script>")
        if tag == "script" and "htmx" in (attributes.get("src") or ""):
            self.loads_htmx = True
        if tag == "meta" and attributes.get("name") == "htmx-config":
            self.htmx_configs.append(attributes.get("content") or "")


def assert_no_inline_code(response) -> None:
    parser = InlineCode()
    parser.feed(response.content.decode())
    parser.close()
    where = response.request["PATH_INFO"]
    assert not parser.found, (where, parser.found)
    if parser.loads_htmx:
        # htmx reads only the first htmx-config: it must stop htmx from injecting its
        # indicator <style> and from compiling expressions with eval.
        assert parser.htmx_configs, (where, "htmx without its htmx-config")
        config = json.loads(parser.htmx_configs[0])
        assert config.get("includeIndicatorStyles") is False, (where, config)
        assert config.get("allowEval") is False, (where, config)


def assert_strict_page(response) -> None:
    """A page (or htmx fragment) sent with the strict policy and nothing it would block."""
    policy = policy_of(response)
    for directive in ("script-src", "style-src"):
        assert directive in policy, directive
        assert "'unsafe-inline'" not in policy[directive], directive
        assert "'unsafe-eval'" not in policy[directive], directive
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    if response["Content-Type"].startswith("text/html"):
        assert_no_inline_code(response)


def test_the_checker_finds_what_the_policy_blocks():
    """The parser itself: it must catch every kind of inline code, and nothing harmless."""
    bad = (
        '<div style="width: 3%"></div><button onclick="go()">x</button>'
        "<script>alert(1)</script><style>p{}</style><a href='javascript:void(0)'>y</a>"
        '<form hx-on:submit="x()"></form><svg><rect style="fill:red"/></svg>'
        "<form hx-trigger=\"keyup[key=='Enter']\"></form>"
    )
    parser = InlineCode()
    parser.feed(bad)
    assert len(parser.found) == 8, parser.found
    good = (
        '<script src="/static/x.js" defer></script><script type="application/json" id="d">'
        '{"a": 1}</script><details open><summary>s</summary></details>'
        '<svg><rect width="37%" height="100%" fill="#000"/></svg>'
    )
    parser = InlineCode()
    parser.feed(good)
    assert parser.found == []


# ---- the site ----------------------------------------------------------------------------------


@pytest.fixture
def site(personas):
    """One of everything a page can show: a conference with quotas, sessions, links and
    registrations (one waiting for a manager's approval), a workshop with a review and
    breakout groups, a good example, a campaign with a submitted and an open response, an
    action."""
    event = EventFactory(title="Konferensen", capacity=10)
    allocation = AllocationFactory(event=event, name="A", quota=2, organisations=[personas.org_a])
    AllocationFactory(event=event, name="B", quota=3, organisations=[personas.org_b])
    session = SessionFactory(event=event, title="Seminariet", capacity=5)
    link = event_services.link_ensure(event=event, organisation=personas.org_a)
    registration = register(event, personas.org_a, name="Åsa Öberg").registration
    register(event, personas.org_a)
    register(event, personas.org_a)  # quota A full: the bar is drawn "full"
    approving = EventFactory(title="Med godkännande", approval_required=True)
    AllocationFactory(event=approving, quota=5, organisations=[personas.org_a])
    pending = register(approving, personas.org_a).registration

    workshop = rf.workshop(title="Workshopen")
    rf.participants(workshop, {personas.org_a: 2, personas.org_b: 2})
    review = rf.review(title="Fördjupningen", workshops=[workshop])
    review_services.breakouts_form(actor=None, event=workshop, size=2)
    example = rf.example(personas.org_a)

    campaign = af.campaign(organisations=[personas.org_a, personas.org_b])
    submitted = campaign.responses.get(unit=personas.unit_a)
    af.submit(submitted, {"r1": "partly", "r2": "2", "r3": "no"})
    open_response = campaign.responses.get(unit=personas.unit_b)
    af.answer(open_response, {"r1": "yes"}, {"r1": "En kommentar"})
    action = assessment_services.action_create(
        actor=None,
        organisation=personas.unit_a,
        requirement="r1",
        title="Ta fram rutin",
        owner="HR-chef",
        due=timezone.localdate() + dt.timedelta(days=30),
    )
    # The admin's export, half built: its page shows the progress bar and polls.
    file_job = FileJob.objects.create(
        owner=personas.admin,
        kind=CAMPAIGN_XLSX,
        params={"campaign": campaign.pk},
        status="running",
        done=5,
        total=10,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return {
        "pk_of": {
            "core:file_job": file_job.pk,
            "orgs": personas.org_a.pk,
            "events": event.pk,
            "assessments:campaign": campaign.pk,
            "assessments:response": submitted.pk,
            "assessments:action": action.pk,
            "reviews": review.pk,
            "reviews:example": example.pk,
        },
        "event": event,
        "allocation": allocation,
        "session": session,
        "link": link,
        "registration": registration,
        "pending": pending,
        "workshop": workshop,
        "review": review,
        "campaign": campaign,
        "submitted": submitted,
        "open_response": open_response,
        "personas": personas,
        # A file kept as evidence of the open response's answer to r1.
        "evidence": evidence_add(
            actor=None,
            response=open_response,
            requirement_key="r1",
            file=SimpleUploadedFile("rutin.txt", b"Rutin\n"),
        ),
        # A named invitation to the conference, and organisation A's yearly documentation.
        "invitation": Invitation.objects.create(
            event=event, email="inbjuden@a.example", organisation=personas.org_a
        ),
        "documentation": documentation_save(
            actor=None, organisation=personas.org_a, year=2019, author="Eva"
        ),
        # A colleague's link to one requirement of the open response (delegation).
        "assignment": Assignment.objects.create(
            response=open_response, email="kollega@b.example", requirement_keys=["r1"]
        ),
    }


def _evaluation_token(s: dict) -> str:
    """The personal evaluation link of the site's registration (made once, without mail)."""
    from jamlik.events.models import Evaluation, EvaluationInvite, EvaluationQuestion

    evaluation, _new = Evaluation.objects.get_or_create(event=s["event"])
    if not evaluation.questions.exists():
        for kind in ("scale", "yes_no", "text"):
            EvaluationQuestion.objects.create(
                evaluation=evaluation, kind=kind, text=f"Fråga {kind}"
            )
    invite, _new = EvaluationInvite.objects.get_or_create(
        evaluation=evaluation,
        registration=s["registration"],
        defaults={"sent_at": timezone.now()},
    )
    return invite.token


# Every page of the site by URL name, with the arguments that make it show something.
STAFF_PAGES = {
    "assessments:response_evidence": lambda s: [s["open_response"].pk, "r1"],
    "events:invitations": lambda s: [s["event"].pk],
    "events:invitation_create": lambda s: [s["event"].pk],
    "events:invitation_import": lambda s: [s["event"].pk],
    "reviews:documentation": lambda s: [],
    "reviews:documentation_edit": lambda s: [s["personas"].org_a.pk, 2019],
    "reviews:documentation_version": lambda s: [s["personas"].org_a.pk, 2019, 1],
    "core:home": lambda s: [],
    "core:profile": lambda s: [],
    "core:password_change": lambda s: [],
    "core:accessibility": lambda s: [],
    "core:privacy": lambda s: [],
    "core:file_job": lambda s: [s["pk_of"]["core:file_job"]],
    "identity:directory": lambda s: [],
    "orgs:list": lambda s: [],
    "orgs:create": lambda s: [],
    "orgs:import": lambda s: [],
    "orgs:detail": lambda s: [s["personas"].org_a.pk],
    "orgs:edit": lambda s: [s["personas"].org_a.pk],
    "events:list": lambda s: [],
    "events:create": lambda s: [],
    "events:dashboard": lambda s: [s["event"].pk],
    "events:edit": lambda s: [s["event"].pk],
    "events:allocation_create": lambda s: [s["event"].pk],
    "events:allocation_edit": lambda s: [s["event"].pk, s["allocation"].pk],
    "events:allocation_delete": lambda s: [s["event"].pk, s["allocation"].pk],
    "events:session_create": lambda s: [s["event"].pk],
    "events:session_edit": lambda s: [s["event"].pk, s["session"].pk],
    "events:session_delete": lambda s: [s["event"].pk, s["session"].pk],
    "events:links": lambda s: [s["event"].pk],
    "events:links_send": lambda s: [s["event"].pk],  # the preview before sending
    "events:radar": lambda s: [s["event"].pk],
    "events:evaluation": lambda s: [s["event"].pk],
    "events:allocation_proposal": lambda s: [s["event"].pk],
    "events:register_person": lambda s: [s["event"].pk],
    "events:register_import": lambda s: [s["event"].pk],
    "events:registration_detail": lambda s: [s["event"].pk, s["registration"].pk],
    "events:registration_cancel": lambda s: [s["event"].pk, s["registration"].pk],
    "events:registration_erase": lambda s: [s["event"].pk, s["registration"].pk],
    "events:checkin": lambda s: [s["event"].pk],
    "events:statistics": lambda s: [s["event"].pk],
    "events:needs": lambda s: [s["event"].pk],
    "events:person_export": lambda s: [],
    "events:message": lambda s: [s["event"].pk],
    "assessments:campaigns": lambda s: [],
    "assessments:campaign_create": lambda s: [],
    "assessments:campaign": lambda s: [s["campaign"].pk],
    "assessments:campaign_edit": lambda s: [s["campaign"].pk],
    "assessments:campaign_results": lambda s: [s["campaign"].pk],
    "assessments:response_form": lambda s: [s["open_response"].pk],
    "assessments:response_submit": lambda s: [s["open_response"].pk],
    "assessments:response_version": lambda s: [s["submitted"].pk, 1],
    "assessments:actions": lambda s: [],
    "assessments:action_create": lambda s: [],
    "assessments:action_edit": lambda s: [s["pk_of"]["assessments:action"]],
    "reviews:list": lambda s: [],
    "reviews:create": lambda s: [],
    "reviews:detail": lambda s: [s["review"].pk],
    "reviews:edit": lambda s: [s["review"].pk],
    "reviews:milestone_create": lambda s: [s["review"].pk],
    "reviews:milestone_edit": lambda s: [s["review"].pk, s["review"].milestones.first().pk],
    "reviews:report": lambda s: [s["review"].pk],
    "reviews:breakouts": lambda s: [s["workshop"].pk],
    "reviews:breakouts_print": lambda s: [s["workshop"].pk],
    "reviews:breakout_notes": lambda s: [s["workshop"].pk, 1],
    "reviews:examples": lambda s: [],
    "reviews:example_create": lambda s: [],
    "reviews:example": lambda s: [s["pk_of"]["reviews:example"]],
    "reviews:example_edit": lambda s: [s["pk_of"]["reviews:example"]],
}

PUBLIC_PAGES = {
    "assessments_public:evidence": lambda s: [s["open_response"].token, "r1"],
    "events_public:invitation": lambda s: [s["invitation"].token],
    "events_public:invitation_decline": lambda s: [s["invitation"].token],
    "core:login": lambda s: [],
    "events_public:link": lambda s: [s["link"].token],
    "events_public:event": lambda s: [s["event"].pk],
    "events_public:my_registrations": lambda s: [],
    "events_public:lost_link": lambda s: [s["event"].pk],
    "events_public:manage": lambda s: [s["registration"].manage_token],
    "events_public:confirmation": lambda s: [s["registration"].manage_token],
    "events_public:cancel": lambda s: [s["registration"].manage_token],
    "events_public:approval": lambda s: [s["pending"].approval_token],
    "events_public:evaluation": lambda s: [_evaluation_token(s)],
    "assessments_public:form": lambda s: [s["open_response"].token],
    "assessments_public:submit": lambda s: [s["open_response"].token],
    "assessments_public:version": lambda s: [s["submitted"].token, 1],
    "assessments_public:assignment": lambda s: [s["assignment"].token],
}

# Routes that never answer a GET with a page of their own: files, POST-only actions (which
# redirect or answer with a fragment, checked below) and the language switch.
NOT_PAGES = {
    # Files (evidence, the yearly documentation) and POST-only actions.
    "assessments:response_evidence_file",
    "assessments_public:evidence_file",
    "reviews:documentation_pdf",
    "reviews:documentation_docx",
    "events:invitations_remind",
    "events_public:claim",
    "healthz",
    "readyz",
    "metrics",
    "set_language",
    "javascript-catalog",
    "core:logout",
    "core:token_create",
    "core:token_revoke",
    "core:file_job_file",
    "identity:token_create",
    "identity:token_revoke",
    # Sign-in through the directory: redirects and POSTs; the refusal page answers 404
    # without OIDC_ISSUER and is checked with a real provider (tests/identity/test_oidc.py,
    # axe in tests/e2e/test_sign_in.py).
    "identity:sign_in",
    "identity:person_sign_in",
    "identity:oidc_callback",
    "identity:sso_refused",
    "identity:person_sign_out",
    # SCIM answers application/scim+json to the directory, never a page.
    "scim:root",
    "scim:users",
    "scim:user",
    "scim:groups",
    "scim:group",
    "orgs:export_csv",
    "orgs:export_xlsx",
    "events:link_regenerate",
    "events:link_create",
    "events:link_revoke",
    "events:registration_sessions",
    "events:registration_check_in",
    "events:registration_check_in_undo",
    "events:registration_resend_link",
    "events:export_csv",
    "events:register_template",
    "events:export_xlsx",
    "events:badges",
    "events:badges_job",
    "events:checkin_scan",
    "events:checkin_do",
    "events:checkin_undo",
    "events_public:transfer",
    "events_public:calendar",
    "events_public:certificate",
    "events:evaluation_send",
    "assessments:campaign_invite",
    "assessments:campaign_remind",
    "assessments:campaign_xlsx",
    "assessments:campaign_scores_csv",
    "assessments:campaign_scores_json",
    "assessments:response_signoff",
    "assessments:campaign_xlsx_job",
    "assessments:campaign_report",
    "assessments:campaign_report_job",
    "assessments:response_save",
    "assessments:response_reopen",
    "assessments:response_respondents",
    "assessments_public:save",
    "assessments:response_assignments",
    "assessments:response_assignment_withdraw",
    "assessments:response_assignment_resend",
    "assessments_public:assignments",
    "assessments_public:assignment_withdraw",
    "assessments_public:assignment_resend",
    "assessments_public:assignment_save",
    "reviews:milestone_toggle",
    "reviews:report_pdf",
    "reviews:report_docx",
    "reviews:report_pdf_job",
    "reviews:report_docx_job",
    "reviews:breakout_move",
    "events:registration_protected",
    "events_public:protected",
}


def _named_routes(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith(("admin/", "api/")):
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            names |= _named_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_page_is_walked():
    """A new page must join the walk below (or NOT_PAGES if it never renders HTML)."""
    known = set(STAFF_PAGES) | set(PUBLIC_PAGES) | NOT_PAGES
    assert _named_routes(get_resolver()) - known == set()


def test_every_staff_page_for_the_admin(site, personas):
    web = personas.web(personas.admin)
    for name, args in STAFF_PAGES.items():
        response = web.get(reverse(name, args=args(site)))
        assert response.status_code == 200, (name, response.status_code)
        assert_strict_page(response)


@pytest.mark.parametrize("role", ["city_coordinator", "coordinator_a", "coordinator_b"])
def test_every_staff_page_for_the_other_roles(site, personas, role):
    """Whatever a role gets (the page, a refusal, the rule-error page): no inline code."""
    web = personas.web(getattr(personas, role))
    for name, args in STAFF_PAGES.items():
        response = web.get(reverse(name, args=args(site)))
        if response["Content-Type"].startswith("text/html"):
            assert_strict_page(response)


def test_every_public_page_for_a_visitor(site):
    client = Client()
    for name, args in PUBLIC_PAGES.items():
        response = client.get(reverse(name, args=args(site)))
        assert response.status_code == 200, (name, response.status_code)
        assert_strict_page(response)


def test_invalid_links_and_error_pages(site, personas):
    client = Client()
    for url in ("/r/not-a-token", "/m/not-a-token", "/s/not-a-token", "/no-such-page/"):
        response = client.get(url)
        assert response.status_code in (404, 410), url
        assert_strict_page(response)
    refused = personas.web(personas.coordinator_b).get(
        reverse("assessments:response_form", args=[site["submitted"].pk])
    )
    assert refused.status_code in (403, 404)
    assert_strict_page(refused)


def test_htmx_fragments(site, personas):
    web = personas.web(personas.admin)
    event = site["event"]
    fragments = [
        web.get(reverse("events:dashboard", args=[event.pk]), {"q": "Åsa"}, headers=HTMX),
        web.get(reverse("events:checkin", args=[event.pk]), {"q": "Åsa"}, headers=HTMX),
        web.post(
            reverse("events:checkin_do", args=[event.pk, site["registration"].pk]), headers=HTMX
        ),
        web.post(
            reverse(
                "reviews:milestone_toggle",
                args=[site["review"].pk, site["review"].milestones.first().pk],
            ),
            headers=HTMX,
        ),
        web.get(reverse("core:file_job", args=[site["pk_of"]["core:file_job"]]), headers=HTMX),
        Client().post(
            reverse("assessments_public:save", args=[site["open_response"].token]),
            {"v-r1": "no", "c-r1": "", "c-r2": "", "c-r3": ""},
            headers=HTMX,
        ),
    ]
    for response in fragments:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert_strict_page(response)


def test_the_api_documentation_page(personas):
    """Swagger UI at /api/v1/docs: the same policy, and nothing inline in our page."""
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict_page(response)


# The 500 page, through the middleware: a URLconf (this module) with a view that fails.
def _fail(request):
    raise RuntimeError("boom")


urlpatterns = [path("fail/", _fail)]
handler500 = "jamlik.core.views.error_500"


def test_the_500_page(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
    assert_strict_page(response)


def test_the_django_admin(site, personas):
    """The admin's index, and the list and add page of every registered model."""
    web = personas.web(personas.admin)
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    for url in urls:
        response = web.get(url)
        if response.status_code == 403:  # a model the admin may not add by hand
            continue
        assert response.status_code == 200, url
        assert_strict_page(response)
