"""Rounds and trends: the change since the previous round, per dimension and overall, with
items matched by code across questionnaire versions."""

import pytest
from django.urls import reverse

from alignment.presentation.trend import previous_result, round_comparison
from alignment.selectors import current_result
from tests.factories import completed_assessment, scored_assessment

from .conftest import publish_version_2, soon, url

pytestmark = pytest.mark.django_db


def _two_rounds(questionnaire, organization, *, second_bank=None):
    first = scored_assessment(
        questionnaire, organization=organization, realistic=False, ceo=(4,), ciso=(2,)
    )
    second = scored_assessment(
        second_bank or questionnaire,
        organization=organization,
        realistic=False,
        ceo=(3,),
        ciso=(2,),
    )
    return first, second


def test_a_first_round_has_nothing_to_compare(scored):
    assert previous_result(scored) is None
    assert round_comparison(scored, current_result(scored)) is None


def test_the_change_per_dimension_and_overall(questionnaire, organization):
    first, second = _two_rounds(questionnaire, organization)
    comparison = round_comparison(second, current_result(second))
    assert comparison.previous == first
    assert (comparison.previous_index, comparison.current_index) == ("50", "75")
    assert comparison.delta == "+25" and comparison.direction == "up"
    assert comparison.previous_band == "Misaligned" and comparison.current_band == "Broadly aligned"
    assert [d.code for d in comparison.dimensions] == [f"D{n}" for n in range(1, 11)]
    assert all(d.delta == "+25" and d.direction == "up" for d in comparison.dimensions)
    assert all(i.direction == "narrower" for i in comparison.items)
    assert comparison.only_previous == comparison.only_current == []
    assert comparison.trend_svg.startswith("<svg")
    # A later round is never "previous" for an earlier one.
    assert previous_result(first) is None


def test_items_not_in_both_versions_are_listed_not_dropped(questionnaire, organization):
    newer = publish_version_2(questionnaire)
    _first, second = _two_rounds(questionnaire, organization, second_bank=newer)
    comparison = round_comparison(second, current_result(second))
    assert [code for code, _ in comparison.only_previous] == ["1.5"]
    assert [code for code, _ in comparison.only_current] == ["1.6"]
    assert comparison.only_previous[0][1].startswith("Our expectations")
    codes = [i.code for i in comparison.items]
    assert "1.5" not in codes and "1.6" not in codes and len(codes) == 43


def test_the_trend_page_and_fragment(consultant_client, questionnaire, organization):
    newer = publish_version_2(questionnaire)
    first, second = _two_rounds(questionnaire, organization, second_bank=newer)

    page = consultant_client.get(url("trend", second))
    fragment = consultant_client.get(url("trend", second), HTTP_HX_REQUEST="true")

    assert page.status_code == fragment.status_code == 200
    html = fragment.content.decode()
    assert not html.lstrip().startswith("<!doctype")
    assert '<section id="round-trend"' in html
    assert 'data-figure="index-delta">▲ +25<' in html
    assert "Only in the previous round: " in html and "New in this round: " in html
    assert 'title="Our expectations' in html
    assert html.count("<svg ") == 1
    assert page.content.decode().lstrip().lower().startswith("<!doctype")
    assert "HX-Request" in fragment["Vary"]
    first_page = consultant_client.get(url("trend", first)).content.decode()
    assert "no earlier scored round" in first_page
    empty = consultant_client.get(url("trend", first), HTTP_HX_REQUEST="true").content.decode()
    assert '<section id="round-trend" hidden></section>' in empty


def test_the_results_page_loads_the_trend_and_the_gap_map(
    consultant_client, questionnaire, organization
):
    _first, second = _two_rounds(questionnaire, organization)
    html = consultant_client.get(
        reverse("workspace:results", args=[organization.slug, second.code])
    ).content.decode()
    assert f'hx-get="{url("trend", second)}"' in html
    assert f'hx-get="{url("gap_map", second)}"' in html
    assert f'href="{url("presenter", second)}"' in html
    assert f'href="{url("xlsx", second)}"' in html
    assert f'href="{url("next_round", second)}"' in html


def test_the_trend_costs_a_fixed_number_of_queries(
    consultant_client, questionnaire, organization, django_assert_max_num_queries
):
    _first, second = _two_rounds(questionnaire, organization)
    consultant_client.get(url("trend", second))
    # Session, user, organisation, assessment, result, previous result, item wording.
    with django_assert_max_num_queries(7):
        consultant_client.get(url("trend", second))


def test_the_next_round_page_prefills_and_starts_a_round(
    consultant_client, scored, mailoutbox, django_capture_on_commit_callbacks
):
    page = consultant_client.get(url("next_round", scored))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dana Whitfield" in html and "Ravi Menon" in html
    assert 'name="title"' in html and ", round 2" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(
            url("next_round", scored),
            {"title": "Autumn round", "due_date": soon().isoformat(), "send_invitations": "on"},
        )
    created = scored.organization.assessments.get(title="Autumn round")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:detail", args=[scored.organization.slug, created.code]
    )
    assert len(mailoutbox) == 2
    again = consultant_client.post(
        url("next_round", scored), {"title": "Again", "due_date": soon().isoformat()}
    )
    assert again.status_code == 200 and "A later round already exists" in again.content.decode()


def test_the_next_round_form_and_actions_refuse_a_far_due_date(consultant_client, scored):
    """Probe hole 4, the second round form; an action's due date follows the same rule."""
    response = consultant_client.post(
        url("next_round", scored), {"title": "Far", "due_date": "9999-12-31"}
    )
    assert response.status_code == 200
    assert "The due date is more than 2 years away" in response.content.decode()
    assert scored.organization.assessments.count() == 1
    from workspace.forms import ActionForm

    form = ActionForm({"description": "x", "owner_role": "ceo", "due_date": "9999-12-31"})
    assert not form.is_valid() and "more than 2 years" in form.errors["due_date"][0]


def test_the_next_round_form_refuses_a_past_due_date(consultant_client, scored):
    response = consultant_client.post(
        url("next_round", scored), {"title": "Late", "due_date": "2001-01-01"}
    )
    assert response.status_code == 200
    assert "The due date is in the past." in response.content.decode()
    assert scored.organization.assessments.count() == 1


def test_an_unscored_round_cannot_be_followed(consultant_client, questionnaire, organization):
    pending = completed_assessment(questionnaire, organization=organization, submit=False)
    response = consultant_client.post(
        url("next_round", pending), {"title": "Next", "due_date": soon().isoformat()}
    )
    assert "once this one is scored" in response.content.decode()


def test_rounds_on_different_banks_compare_only_the_items_they_share(
    consultant_client, questionnaire, organization
):
    """Another bank that rewords topic D1: its items are not shared, so every figure of the
    comparison leaves them out, and the page says so."""
    import dataclasses

    from assessments.selectors import bank_from_questionnaire
    from assessments.services import questionnaire_load

    shipped = dataclasses.replace(bank_from_questionnaire(questionnaire), translations={})
    first_topic = dataclasses.replace(
        shipped.dimensions[0],
        items=tuple(
            dataclasses.replace(item, ceo_text=f"Reworded: {item.ceo_text}")
            for item in shipped.dimensions[0].items
        ),
    )
    other = dataclasses.replace(
        shipped,
        slug="custom-bank",
        title="Custom bank",
        dimensions=(first_topic, *shipped.dimensions[1:]),
        content_hash="custom",
    )
    custom = questionnaire_load(bank=other).questionnaire
    first = scored_assessment(
        questionnaire, organization=organization, realistic=False, ceo=(4,), ciso=(2,)
    )
    second = scored_assessment(
        custom, organization=organization, realistic=False, ceo=(3,), ciso=(2,)
    )

    comparison = round_comparison(second, current_result(second))

    d1_codes = [item.code for item in first_topic.items]
    assert comparison.previous == first and comparison.shared_only
    assert "D1" not in [d.code for d in comparison.dimensions]
    assert not set(d1_codes) & {i.code for i in comparison.items}
    assert [code for code, _ in comparison.only_previous] == d1_codes
    assert [code for code, _ in comparison.only_current] == d1_codes
    assert comparison.only_previous[0][1] == first_topic.items[0].ceo_text.removeprefix(
        "Reworded: "
    )
    assert comparison.only_current[0][1] == first_topic.items[0].ceo_text
    shared = 44 - len(d1_codes)
    assert comparison.shared_note == (
        "These rounds used different question banks (Parley GenAI alignment questionnaire and "
        f"Custom bank): every figure here compares only the {shared} items they share."
    )
    html = consultant_client.get(url("trend", second)).content.decode()
    assert "data-shared-only" in html and f"only the {shared} items they share" in html


def test_rounds_on_banks_that_share_no_item_say_so_and_show_no_figure(questionnaire, organization):
    import dataclasses

    from assessments.selectors import bank_from_questionnaire
    from assessments.services import questionnaire_load

    shipped = dataclasses.replace(bank_from_questionnaire(questionnaire), translations={})
    reworded = tuple(
        dataclasses.replace(
            d,
            items=tuple(dataclasses.replace(i, ciso_text=f"New: {i.ciso_text}") for i in d.items),
        )
        for d in shipped.dimensions
    )
    other = dataclasses.replace(
        shipped, slug="other-bank", title="Other", dimensions=reworded, content_hash="other"
    )
    custom = questionnaire_load(bank=other).questionnaire
    scored_assessment(questionnaire, organization=organization, realistic=False)
    second = scored_assessment(custom, organization=organization, realistic=False)

    comparison = round_comparison(second, current_result(second))

    assert comparison.shared_only and comparison.items == [] and comparison.dimensions == []
    assert comparison.previous_index == comparison.current_index == "n/a"
    assert len(comparison.only_previous) == len(comparison.only_current) == 44
    assert "compares only the 0 items they share" in comparison.shared_note
