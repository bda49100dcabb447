"""scim2-tester, the python-scim project's conformance checker, run against the endpoint in
process: scim2-client's WSGI client calls Django's WSGI application directly (no server,
no network), inside the test's database."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.wsgi import get_wsgi_application
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_finds_no_error(scim_token):
    client = WSGISCIMClient(
        get_wsgi_application(),
        base_url="http://testserver/scim/v2",
        headers={"Authorization": f"Bearer {scim_token}"},
    )
    results = check_server(client)
    errors = [r for r in results if r.status == Status.ERROR]
    assert results
    assert not errors, "\n".join(f"{r.title}: {r.reason}" for r in errors)
    counts = Counter(r.status.name for r in results)
    print("scim2-tester:", dict(counts))
    # The one documented skip: POST /.search across resource types (optional, 501).
    skipped = {r.title for r in results if r.status == Status.SKIPPED}
    assert skipped <= {"search_with_attributes"}, skipped
    successes = [r for r in results if r.status == Status.SUCCESS]
    # Users and Groups were created, read, listed, replaced, patched and deleted.
    assert len(successes) > 30
