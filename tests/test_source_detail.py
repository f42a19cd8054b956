"""/sources/<slug>/: the text paragraph by paragraph with anchors, each
pledge's quote marked and linked, its current status beside it."""

from datetime import date

import pytest
from django.core.management import call_command

from tests.factories import make_pledge, make_source, make_update, populate
from tests.helpers import html_text
from tracker.models import Paragraph, Pledge, SourceDocument, Status
from tracker.quotes import quote_pattern

pytestmark = pytest.mark.django_db


def test_each_paragraph_has_an_anchor_and_each_quote_is_marked(client):
    pledge = make_pledge(ref="x-1.1")
    make_update(pledge, status=Status.COMPLETE, as_of=date(2005, 4, 13))
    response = client.get(pledge.source.get_absolute_url())
    assert response.status_code == 200
    assert 'id="p1"' in response.text and 'id="p2"' in response.text
    assert (
        '<span id="quote-x-1.1" class="quote-anchor"></span><mark>'
        '<a href="/pledges/x-1.1/" class="quote-link">We pledge to do the first thing.</a></mark>'
    ) in response.text
    assert "Complete" in response.text
    # The unquoted paragraph is plain text.
    assert "We pledge to do the second thing." in response.text
    assert response.text.count('class="quote-link"') == 1


def test_every_fixture_quote_is_highlighted_in_its_paragraph(client):
    call_command("loaddata", "pledges", verbosity=0)
    for source in SourceDocument.objects.all():
        response = client.get(source.get_absolute_url())
        paragraphs = {p.number: p.pledges for p in response.context["paragraphs"]}
        for pledge in source.pledges.all():
            assert f'id="quote-{pledge.ref}"' in response.text, pledge.ref
            assert pledge in paragraphs[pledge.paragraph]


def test_a_quote_with_other_white_space_and_straight_quotes_is_still_found():
    paragraph = "threats were often described as \u201cnew\u201d,\u00a0 though"
    assert quote_pattern('described as "new", though').search(paragraph)
    assert not quote_pattern("described as new, though").search(paragraph)


def test_overlapping_quotes_do_not_repeat_text(client):
    source = make_source(with_paragraphs=False)
    Paragraph.objects.create(document=source, number=1, text="Alpha beta gamma delta.")
    make_pledge(source=source, ref="o-1.1", quote="Alpha beta gamma")
    make_pledge(source=source, ref="o-1.2", quote="gamma delta.")
    response = client.get(source.get_absolute_url())
    chunks = response.context["paragraphs"][0].chunks
    assert "".join(chunk.text for chunk in chunks) == "Alpha beta gamma delta."
    assert [(c.text, [p.ref for p in c.pledges]) for c in chunks] == [
        ("Alpha beta ", ["o-1.1"]),
        ("gamma", ["o-1.1", "o-1.2"]),
        (" delta.", ["o-1.2"]),
    ]


def test_two_pledges_on_the_same_words_both_get_an_anchor_and_a_status(client):
    source = make_source(with_paragraphs=False)
    Paragraph.objects.create(document=source, number=1, text="Conclude both conventions.")
    make_pledge(source=source, ref="s-1.1", quote="Conclude both conventions.")
    make_pledge(source=source, ref="s-1.2", quote="Conclude both conventions.")
    response = client.get(source.get_absolute_url())
    assert response.text.count("Conclude both conventions.</a></mark>") == 1
    for ref in ("s-1.1", "s-1.2"):
        assert f'id="quote-{ref}"' in response.text
        assert f'href="/pledges/{ref}/" class="small"' in response.text


def test_a_section_heading_is_shown_once_before_its_paragraphs(client):
    source = make_source(with_paragraphs=False)
    Paragraph.objects.create(document=source, number=1, text="First.")
    Paragraph.objects.create(document=source, number=2, text="Second.", section="Further Work")
    Paragraph.objects.create(document=source, number=3, text="Third.", section="Further Work")
    response = client.get(source.get_absolute_url())
    assert response.text.count("Further Work</h2>") == 1


def test_an_unknown_source_is_a_404(client):
    assert client.get("/sources/nope/").status_code == 404


@pytest.mark.parametrize("pledge_count", [10, 200])
def test_query_count_does_not_grow_with_the_data(
    client, django_assert_max_num_queries, pledge_count
):
    data = populate(pledge_count)
    assert Pledge.objects.filter(source=data["sources"][0]).exists()
    # 5 (issue 19): the headline figures, and the footer's sources.
    with django_assert_max_num_queries(5):
        response = client.get(data["sources"][0].get_absolute_url())
    assert response.status_code == 200


def test_the_text_opens_with_its_headline_figures(client):
    source = make_source()
    make_update(make_pledge(source=source), status=Status.COMPLETE)
    make_pledge(source=source)
    make_pledge()  # another text's
    response = client.get(source.get_absolute_url())
    assert response.context["scorecard"].commitments == 2
    assert "Of the 2 commitments in this text, 1 (50%) has documented progress" in html_text(
        response, ".headline"
    )
