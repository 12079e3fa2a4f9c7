"""Actor detection and mentions on texts written here (no model needed)."""

from __future__ import annotations

from collections import Counter

import pytest

from concept_diff.build import document_from_passages
from concept_diff.errors import InputError
from concept_diff.shifts.actors import (
    Matcher,
    acronym_actors,
    detect_actors,
    find_mentions,
    parse_actor_specs,
)


def doc(*passages: str):
    return document_from_passages(list(passages), title="t", date="2020")


def mention_counts(*passages: str, user=None) -> Counter:
    document = doc(*passages)
    actors = detect_actors([document], parse_actor_specs(user))
    return Counter(m.actor for m in find_mentions(document, "old", Matcher(actors)))


def test_names_adjectives_and_capitals_are_one_actor():
    counts = mention_counts(
        "Russia signed the treaty. The Russian Federation objected.",
        "Russian diplomats left. Moscow denied it. Russians voted.",
    )
    assert counts["Russia"] == 5


def test_capitalisation_is_required_and_blockers_win():
    counts = mention_counts(
        "We ate turkey in Turkey. The chad was hanging.",
        "Latin American economies grew. The Indian Ocean is warm. India grew.",
    )
    assert counts["Turkey"] == 1
    assert counts["Chad"] == 0
    assert counts["United States"] == 0
    assert counts["India"] == 1


def test_ambiguous_aliases_need_an_unambiguous_one_in_the_passage():
    counts = mention_counts(
        "Georgia passed a state budget. Atlanta is its capital.",
        "Tbilisi welcomed the envoy. Georgia then joined the programme.",
        "Washington announced new tariffs.",
        "The United States objected. Washington then announced new tariffs.",
    )
    # a capital is itself ambiguous (the city, a conference held there): Tbilisi confirms
    # nothing; "the United States" confirms Washington in its own passage only
    assert counts["Georgia"] == 0
    assert counts["United States"] == 2


def test_longest_alias_wins_so_a_group_is_not_its_country():
    text = (
        "The Islamic State of Iraq and the Levant (ISIL) seized towns. ISIL must be defeated. "
        "Iraq asked for help."
    )
    counts = mention_counts(text)
    assert counts["ISIL"] == 2
    assert counts["Iraq"] == 1


def test_acronyms_need_an_organisation_noun_and_merge_on_shared_long_prefix():
    document = doc(
        "Weapons of Mass Destruction (WMD) are dangerous.",
        "The Islamic State of Iraq and the Levant (ISIL) grew.",
        "The Islamic State of Iraq and Syria (ISIS) is the same group.",
        "The Coastal Defence Council (CDC) met. The Coastal Fisheries Council (CFC) met too.",
    )
    actors = {a.name: a for a in acronym_actors([document])}
    assert "WMD" not in actors
    assert {"ISIL", "ISIS"} <= actors["ISIL"].aliases
    assert "ISIS" not in actors
    assert "CDC" in actors and "CFC" in actors  # two words in common is not enough


def test_recurring_organisation_names_become_actors():
    counts = mention_counts(
        "The Northern Defence League met in March.",
        "Talks with the Northern Defence League failed. We watch the Northern Defence League.",
        "Blue Sky Thinking is not an organisation. We like Blue Sky Thinking and Blue Sky Thinking.",
    )
    assert counts["Northern Defence League"] == 3
    assert "Blue Sky Thinking" not in counts


def test_user_specs_add_and_merge_actors(tmp_path):
    counts = mention_counts(
        "The Kremlin and the Soviet Union and Russia.", "Ruritania grew. Ruritanians voted.",
        user=["Russia=Russia|Soviet Union", "Ruritania=Ruritania|Ruritanians"],
    )
    assert counts["Russia"] == 1  # one sentence naming it, by three aliases
    assert counts["Ruritania"] == 2
    path = tmp_path / "actors.toml"
    path.write_text('[actors]\nRuritania = ["Ruritania", "Ruritanians"]\n', encoding="utf-8")
    (actor,) = parse_actor_specs(path)
    assert actor.aliases == {"Ruritania", "Ruritanians"}


def test_bad_actor_specs_are_input_errors(tmp_path):
    with pytest.raises(InputError):
        parse_actor_specs(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[actors]\nX = 3\n", encoding="utf-8")
    with pytest.raises(InputError):
        parse_actor_specs(bad)
    with pytest.raises(InputError):
        parse_actor_specs(["=alias"])


def test_mentions_carry_exact_spans_and_passage_ids():
    document = doc("Intro text here.", "Trade with Japan grew. Japanese firms and Japan agreed.")
    actors = detect_actors([document])
    mentions = [m for m in find_mentions(document, "new", Matcher(actors)) if m.actor == "Japan"]
    assert [(m.passage, m.sentence) for m in mentions] == [("p2", 0), ("p2", 1)]
    for mention in mentions:
        passage = document.passage(mention.passage)
        assert mention.text in passage.text
        assert all(mention.text[a:b] in {"Japan", "Japanese"} for a, b in mention.spans)
    assert mentions[1].aliases == ("Japan", "Japanese")


def test_multiword_names_recur_with_possessives_and_state_forms_join_their_actor():
    counts = mention_counts(
        "The Halvani Federation's ambitions worry us. The Federation seeks control.",
        "We talk with the Halvani Federation on trade.",
        "The Republic of Varkesh signed. Then Varkesh left. Varkeshi ships sailed. So Varkesh won.",
        "Treaty of Port Aldren rules apply. The Treaty of Port Aldren binds us.",
    )
    assert counts["Halvani Federation"] == 3  # "the Federation" is its bare head
    assert counts["Varkesh"] == 4  # formal name, short name and adjective
    assert "Republic of Varkesh" not in counts and "Varkeshi" not in counts
    assert "Port Aldren" not in counts and "Treaty of Port Aldren" not in counts


def test_role_nouns_ethnic_adjectives_diseases_and_openers_are_not_actors():
    counts = mention_counts(
        "Allies agreed. We and our Allies act. Each Ally pays. Allied ships sail. Allies won.",
        "Muslim leaders met. We respect Muslim communities. Muslim voices matter.",
        "The Ebola virus spread. We fought the Ebola epidemic. Ebola killed many. Ebola ended.",
        "Norland grew. We traded with Norland. Then Norland voted. We like Norland.",
        "Whereas the tide fell. Whereas the ships left. Whereas we agreed. Whereas again.",
    )
    assert {"Allies", "Ally", "Allied", "Muslim", "Ebola", "Whereas"}.isdisjoint(counts)
    assert counts["Norland"] == 4


def test_regions_come_from_the_gazetteer():
    document = doc("Africa grew. Trade with Africa rose. Africa voted. Africa won.")
    actors = {a.name: a for a in detect_actors([document])}
    assert actors["Africa"].kind == "region"
    counts = mention_counts("Latin American economies grew. Latin America traded.")
    assert counts["Latin America"] == 2 and counts["United States"] == 0


def test_article_prefixed_names_are_capitalised_and_apostrophes_fold():
    document = doc(
        "The threat from al-Qa'ida remains. Officials said al-Qa’ida lost ground in the north.",
        "Militias such as al-Shabaab recruit widely. We fight al-Shabaab and al-Qaida together.",
        "Leaders of al-Shabaab met in the capital. The council of ad-Din met too.",
        "Affiliates of al-Qa’ida are active, said an official in the city of ad-Din.",
        "The council of ad-Din voted. Rebels say al-Qaida is weak, and al-Qaida denies it.",
        "Rebels in the east are not an-organised group.",
    )
    actors = detect_actors([document])
    names = {a.name: a for a in actors}
    assert "al-Shabaab" in names and "ad-Din" in names
    # Straight and curly apostrophes, and a spelling without one, are a single actor.
    assert "al-Qaida" not in names and names["al-Qa'ida"].aliases >= {"al-Qa'ida", "al-Qaida"}
    mentions = find_mentions(document, "old", Matcher(actors))
    counts = Counter(m.actor for m in mentions)
    assert counts["al-Qa'ida"] == 5 and counts["al-Shabaab"] == 3 and counts["ad-Din"] == 3
    for mention in mentions:  # spans point at the original (curly) text
        for start, end in mention.spans:
            assert mention.text[start:end].replace("’", "'") in mention.aliases
    # A lower-case hyphenated word is not a name.
    assert not any(a.name.startswith("an-") for a in actors)


def test_a_capital_naming_a_treaty_or_a_round_of_talks_is_not_its_state():
    counts = mention_counts(
        "Japan signed it. The Tokyo Protocol binds us. The Tokyo round of talks failed.",
        "Mexico hosted it. The Monterrey Consensus held; Mexico City agreed.",
        "Qatar agreed. A Doha multilateral trade agreement is near.",
    )
    assert counts["Japan"] == 1  # "Tokyo Protocol", "Tokyo round": not the state
    assert counts["Qatar"] == 1  # "Doha ... agreement" is the round, not the state
    assert counts["Mexico"] == 2  # "Mexico City agreed" names the government, beside Mexico


def test_captions_and_dashes():
    counts = mention_counts(
        "“We will stand with our friends.” President Smith Berlin, Germany May 23, 2002",
        "Germany agreed. Rebels of al—Qaida fled. Al-Qaida lost. Then al Qaida lost.",
        user=["al-Qaida"],
    )
    assert counts["Germany"] == 1  # the attribution under the quotation names no actor
    assert counts["al-Qaida"] == 3  # em dash (OCR), a capital opening a sentence, a space
    assert counts["Africa"] == 0 and mention_counts("Africans voted.")["Africa"] == 1
