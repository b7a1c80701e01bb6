"""The admin's CSS with DEBUG off: collected with hashed names, served by WhiteNoise."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.conftest import PASSWORD
from subgraph_kit.testing import SubgraphClient


@pytest.mark.django_db
def test_the_admin_css_is_served_with_debug_off(settings, tmp_path) -> None:
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    # A new client builds its middleware now, so WhiteNoise indexes the collected files.
    client = SubgraphClient()
    client.login(email="root@example.com", password=PASSWORD)

    page = client.get("/admin/").content.decode()
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)

    assert stylesheet, page[:2000]
    response = client.get(stylesheet.group(1))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "max-age=315360000" in response["Cache-Control"]
    assert b"".join(response.streaming_content)
