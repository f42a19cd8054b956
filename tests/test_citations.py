"""Cite this: the pledge page's and each update's citation block, and the
BibTeX, RIS and CSL-JSON files (/pledges/<ref>/cite.<format>,
/updates/<pk>/cite.<format>), parsed as a reference manager would read them;
the quote's link to the official document and the label on paragraph
numbers the tracker assigned."""

import json
import re
from datetime import date

import pytest
from django.core.management import call_command

from tests.factories import make_pledge, make_source, make_update, make_user
from tests.helpers import html_text
from tracker.citations import CONTENT_TYPES, bibtex_escape

pytestmark = pytest.mark.django_db

UN_TEXT = "Further Work\n\nThe participants agreed to meet again.\n\nThey will report."


@pytest.fixture
def pledge():
    source = make_source(
        title="Declaration on {Braces} & 100% of #hashes_",
        issuing_body="Test summit",
        url="https://www.example.org/declaration",
        document_symbol="SG/2084",
    )
    return make_pledge(source=source, ref="test-2002-1", title="Do the first thing")


def test_the_pledge_page_cites_the_pledge_and_links_the_official_text(client, pledge):
    response = client.get(pledge.get_absolute_url())
    citation = html_text(response, ".citation")
    assert citation.startswith("Test summit. (2002, September 24). Do the first thing.")
    assert "In Declaration on {Braces} & 100% of #hashes_ (paragraph 1)." in citation
    assert f"from http://testserver{pledge.get_absolute_url()}" in citation
    assert 'href="https://www.example.org/declaration"' in response.text
    assert 'document symbol <span class="nowrap">SG/2084</span>' in response.text
    for file_format in ("bib", "ris", "json"):
        assert f'href="/pledges/test-2002-1/cite.{file_format}"' in response.text
    # The text prints "1." and "2.": its numbers are its own.
    assert "numbered by Pledge Tracker" not in response.text


def test_numbers_the_tracker_assigned_are_labelled_as_such(client):
    source = make_source(text=UN_TEXT, with_paragraphs=False)
    pledge = make_pledge(source=source, paragraph=1, quote="The participants agreed to meet again.")
    response = client.get(pledge.get_absolute_url())
    assert "(numbered by Pledge Tracker: the text itself does not number its paragraphs)" in (
        response.text
    )
    assert "paragraph 1, as numbered by Pledge Tracker" in html_text(response, ".citation")
    assert "does not number its paragraphs" in client.get(source.get_absolute_url()).text


def test_the_shipped_texts_one_numbered_and_one_not(client):
    call_command("loaddata", "pledges", verbosity=0)
    asem = client.get("/pledges/asem-2002-1.1/").text
    un = client.get("/pledges/hlm5-2003-3.4/").text
    assert "numbered by Pledge Tracker" not in asem
    assert "numbered by Pledge Tracker" in un
    assert "SG/2084" in un  # the UN press release's symbol, beside the quote


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response


def test_csl_json_is_a_list_of_one_item_with_type_title_url_and_issued(client, pledge):
    response = download(client, "/pledges/test-2002-1/cite.json")
    assert response["Content-Type"] == CONTENT_TYPES["json"]
    [item] = json.loads(response.content)
    assert item["type"] == "document"
    assert item["title"] == "Do the first thing"
    assert item["URL"] == "http://testserver/pledges/test-2002-1/"
    assert item["issued"] == {"date-parts": [[2002, 9, 24]]}
    assert item["author"] == [{"literal": "Test summit"}]
    assert item["container-title"] == "Declaration on {Braces} & 100% of #hashes_"
    assert item["locator"] == "1" and item["label"] == "paragraph"


def parse_ris(text):
    assert "\r\n" in text
    lines = text.strip("\r\n").split("\r\n")
    tags = []
    for line in lines:
        match = re.fullmatch(r"([A-Z][A-Z0-9])  -(?: (.*))?", line)
        assert match, f"not a RIS line: {line!r}"
        tags.append((match[1], match[2] or ""))
    return tags


def test_ris_runs_from_ty_to_er_one_tag_per_line(client, pledge):
    response = download(client, "/pledges/test-2002-1/cite.ris")
    assert response["Content-Type"] == CONTENT_TYPES["ris"]
    tags = parse_ris(response.content.decode())
    assert tags[0] == ("TY", "ELEC") and tags[-1] == ("ER", "")
    fields = dict(tags)
    assert fields["TI"] == "Do the first thing"
    assert fields["AU"] == "Test summit"
    assert fields["DA"] == "2002/09/24/"
    assert fields["UR"] == "http://testserver/pledges/test-2002-1/"


def parse_bibtex(text):
    """``(type, key, {field: value})`` of one entry, braces balanced."""
    match = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\n\}\n", text, re.S)
    assert match, text
    fields = {}
    for line in match[3].split(",\n"):
        name, value = re.fullmatch(r"  (\w+) = (.*)", line, re.S).groups()
        if value.startswith("{"):
            depth = 0
            for index, ch in enumerate(value):
                if ch == "{" and value[index - 1 : index] != "\\":
                    depth += 1
                elif ch == "}" and value[index - 1 : index] != "\\":
                    depth -= 1
                    if depth == 0:
                        assert index == len(value) - 1, f"{name} closes early: {value}"
            assert depth == 0, f"{name} is unbalanced: {value}"
            value = value[1:-1]
        fields[name] = value
    return match[1], match[2], fields


def test_bibtex_is_one_misc_entry_with_its_specials_escaped(client, pledge):
    response = download(client, "/pledges/test-2002-1/cite.bib")
    assert response["Content-Type"] == CONTENT_TYPES["bib"]
    kind, key, fields = parse_bibtex(response.content.decode())
    assert (kind, key) == ("misc", "pledgetracker-test-2002-1")
    assert fields["author"] == "{Test summit}"
    assert fields["booktitle"] == r"Declaration on \{Braces\} \& 100\% of \#hashes\_"
    assert fields["year"] == "2002" and fields["month"] == "sep"
    assert fields["url"] == "http://testserver/pledges/test-2002-1/"


def test_bibtex_escaping_leaves_no_special_bare():
    escaped = bibtex_escape(r"a\b{c}%d&e$f#g_h~i^j")
    assert escaped == (
        r"a\textbackslash{}b\{c\}\%d\&e\$f\#g\_h\textasciitilde{}i\textasciicircum{}j"
    )


def test_each_update_has_a_citation_block_and_files(client, pledge):
    author = make_user(username="ann", first_name="Ann", last_name="Assessor")
    update = make_update(
        pledge, author=author, as_of=date(2005, 4, 13), evidence_reference="Report A/60/1"
    )
    response = client.get(pledge.get_absolute_url())
    block = html_text(response, ".cite-update")
    assert block.startswith("Cite this update: Ann Assessor. (")
    assert "test-2002-1: Ongoing as of 13 April 2005." in block
    assert f"from http://testserver/updates/{update.pk}/" in block

    [item] = json.loads(download(client, f"/updates/{update.pk}/cite.json").content)
    assert item["type"] == "webpage" and item["URL"] == f"http://testserver/updates/{update.pk}/"
    assert item["title"] == "test-2002-1: Ongoing as of 13 April 2005"
    assert "issued" in item and item["note"] == "Evidence: Report A/60/1"
    tags = parse_ris(download(client, f"/updates/{update.pk}/cite.ris").content.decode())
    assert tags[0] == ("TY", "ELEC") and tags[-1] == ("ER", "")
    kind, key, _fields = parse_bibtex(
        download(client, f"/updates/{update.pk}/cite.bib").content.decode()
    )
    assert (kind, key) == ("misc", f"pledgetracker-test-2002-1-update-{update.pk}")


def test_unknown_formats_and_records_are_404(client, pledge):
    assert client.get("/pledges/test-2002-1/cite.txt").status_code == 404
    assert client.get("/pledges/no-such/cite.bib").status_code == 404
    assert client.get("/updates/999999/cite.ris").status_code == 404
