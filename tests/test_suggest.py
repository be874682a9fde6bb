"""Suggested thesaurus (bibnet.suggest): each rule on small cases, then precision on real samples.

The real-sample fixtures in ``tests/data/suggest/`` (see ``tests/data/SOURCES.md``):

* ``wos_samples_keywords.csv.gz`` / ``wos_samples_pairs.csv.gz``: the keyword counts and the
  document-keyword pairs (DE + ID, cleaned) of the 5,966 distinct records (2,947 with keywords) of
  the reference WoS samples;
* ``reviewed_merges.tsv``: every merge the rules suggest on them, each reviewed by hand
  (``verdict`` ok / wrong);
* ``rejected_merges.tsv``: merges earlier versions of the rules made and the review judged wrong.

When a rule changes, the first test shows the difference. Review the new merges and rewrite the
file with::

    s = suggest_thesaurus(counts, pairs=pairs); s["verdict"] = ...; s["note"] = ...
    s.to_csv("tests/data/suggest/reviewed_merges.tsv", sep="\\t", index=False, lineterminator="\\n")
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bibnet.errors import OptionError
from bibnet.suggest import COLUMNS, RULES, SuggestRules, _spells, explain, suggest_thesaurus, write_thesaurus
from bibnet.tables import csv_unescape
from bibnet.thesaurus import read_thesaurus

DATA = Path(__file__).parent / "data" / "suggest"
NONE = SuggestRules(**{f.name: False for f in dataclasses.fields(SuggestRules)})


def only(*names: str) -> SuggestRules:
    return dataclasses.replace(NONE, **{n: True for n in names})


def counts_of(**occurrences: int) -> pd.DataFrame:
    return pd.DataFrame({"keyword": list(occurrences), "occurrences": list(occurrences.values())})


def frame(*keywords: str, n: int = 1) -> pd.DataFrame:
    return pd.DataFrame({"keyword": list(keywords), "occurrences": [n] * len(keywords)})


def mapping(counts: pd.DataFrame, **kwargs) -> dict[str, str]:
    table = suggest_thesaurus(counts, **kwargs)
    return dict(zip(table["label"], table["replace_by"], strict=True))


def groups(counts: pd.DataFrame, **kwargs) -> list[set[str]]:
    """The merged groups (canonical form included), sorted, for readable assertions."""
    found: dict[str, set[str]] = {}
    for label, canonical in mapping(counts, **kwargs).items():
        found.setdefault(canonical, {canonical}).add(label)
    return by_members(*found.values())


def by_members(*sets: set[str]) -> list[set[str]]:
    return sorted(sets, key=sorted)


# -- real samples --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def samples() -> tuple[pd.DataFrame, pd.DataFrame]:
    read = dict(keep_default_na=False, dtype={"keyword": str})
    return pd.read_csv(DATA / "wos_samples_keywords.csv.gz", **read), pd.read_csv(DATA / "wos_samples_pairs.csv.gz", **read)


@pytest.fixture(scope="module")
def suggested(samples) -> pd.DataFrame:
    counts, pairs = samples
    return suggest_thesaurus(counts, pairs=pairs)


def test_samples_fixture_is_the_wos_samples(samples):
    counts, pairs = samples
    assert (len(counts), pairs["doc"].nunique(), len(pairs)) == (12160, 2947, 27878)
    assert counts.set_index("keyword")["occurrences"].to_dict() == pairs["keyword"].value_counts().to_dict()
    assert counts.iloc[0].tolist() == ["obesity", 518]


def test_suggestions_on_real_samples_are_the_reviewed_ones(suggested):
    reviewed = pd.read_csv(DATA / "reviewed_merges.tsv", sep="\t", keep_default_na=False,
                           dtype={"label": str, "replace_by": str, "rule": str})
    assert set(reviewed["verdict"]) == {"ok"}, "a merge judged wrong is still suggested"
    pd.testing.assert_frame_equal(suggested, reviewed[list(COLUMNS)], check_dtype=False)
    assert len(suggested) == 882
    assert suggested["rule"].value_counts().to_dict() == {
        "plural": 427, "hyphen": 318, "hyphen+plural": 53, "acronym": 32, "hyphen+acronym": 22, "spelling": 21,
        "spelling+plural": 3, "hyphen+plural+acronym": 2, "hyphen+spelling": 2, "case_space": 1, "plural+acronym": 1}


def test_merges_judged_wrong_stay_apart(suggested):
    canonical = dict(zip(suggested["label"], suggested["replace_by"], strict=True))
    rejected = pd.read_csv(DATA / "rejected_merges.tsv", sep="\t", keep_default_na=False)
    assert len(rejected) == 18
    for label, other in zip(rejected["label"], rejected["replace_by"], strict=True):
        assert canonical.get(label, label) != canonical.get(other, other), (label, other)


def test_real_suggestions_are_one_pass_and_order_independent(samples, suggested):
    counts, pairs = samples
    labels, canonicals = set(suggested["label"]), set(suggested["replace_by"])
    assert len(labels) == len(suggested) and not labels & canonicals  # one pass: no chains
    assert canonicals <= set(counts["keyword"])
    shuffled = suggest_thesaurus(counts.sample(frac=1, random_state=7), pairs=pairs.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(shuffled, suggested)


def test_real_examples_per_rule(suggested):
    canonical = dict(zip(suggested["label"], suggested["replace_by"], strict=True))
    assert canonical["globalisation"] == "globalization"
    assert canonical["dietary fibres"] == "dietary fiber"
    assert canonical["meta-analyses"] == canonical["meta-analysis"] == "metaanalysis"
    assert canonical["systems"] == "system" and canonical["histories"] == "history"
    assert canonical["ai"] == canonical["artificial intelligence (ai)"] == "artificial intelligence"
    assert canonical["bmi"] == canonical["body mass index"] == "body-mass index"
    assert "ir" not in canonical  # "international relations" in its record, not "insulin resistance"
    for word in ("analysis", "physics", "mass", "series", "species", "news", "gas", "bias", "status", "politics"):
        assert word not in canonical


# -- each rule ----------------------------------------------------------------------------------------
def test_rule_names_are_the_switches():
    assert tuple(RULES) == tuple(f.name for f in dataclasses.fields(SuggestRules))
    with pytest.raises(dataclasses.FrozenInstanceError):
        SuggestRules().plural = False  # type: ignore[misc]


def test_unicode_variants():
    counts = frame("alzheimer's disease", "alzheimer\u2019s disease", "covid-19", "covid\u201319", "covid\u201419",
                   "type 2 diabetes", "type\u00a02 diabetes", "na\u00efve", "nai\u0308ve", "\ufb01bre", "fibre",
                   "deep\u200blearning", "deeplearning", "\uff41\uff49", "ai", "\u201cfake news\u201d", '"fake news"')
    assert groups(counts, rules=only("unicode")) == by_members(
        {'"fake news"', "\u201cfake news\u201d"}, {"ai", "\uff41\uff49"}, {"alzheimer's disease", "alzheimer\u2019s disease"},
        {"covid-19", "covid\u201319", "covid\u201419"}, {"deep\u200blearning", "deeplearning"}, {"fibre", "\ufb01bre"},
        {"na\u00efve", "nai\u0308ve"}, {"type 2 diabetes", "type\u00a02 diabetes"})
    assert groups(counts, rules=only("case_space")) == []  # no-break spaces are the unicode rule's


def test_case_and_white_space():
    counts = frame("Food - mood", "food-mood", "hiv / aids", "hiv/aids", "Neighborhood/", "neighborhood",
                   "low- and middle-income countries", "low-and middle-income countries", "climate  change", "climate change")
    assert groups(counts, rules=only("case_space")) == by_members(
        {"climate  change", "climate change"}, {"Food - mood", "food-mood"}, {"hiv / aids", "hiv/aids"},
        {"Neighborhood/", "neighborhood"})


def test_hyphen_space_and_closed_compounds():
    counts = counts_of(**{"learning-function": 3, "learning function": 2, "learningfunction": 1,
                          "covid 19": 1, "covid19": 2, "re-creation": 1, "recreation": 5, "e-mail": 1, "email": 2,
                          "co-operation": 1, "cooperation": 4, "alzheimer's disease": 1, "alzheimer disease": 2,
                          "nurses' health study": 1, "nurses health study": 1, "well being": 1, "well-being": 1})
    assert groups(counts, rules=only("hyphen")) == by_members(
        {"alzheimer disease", "alzheimer's disease"}, {"co-operation", "cooperation"}, {"covid 19", "covid19"},
        {"learning function", "learning-function", "learningfunction"},
        {"nurses health study", "nurses' health study"}, {"well being", "well-being"})


def test_british_and_american_spelling():
    counts = frame("organisation", "organization", "organised crime", "organized crime", "behavioural change",
                   "behavioral change", "colour", "color", "analysed data", "analyzed data", "city centre", "city center",
                   "dietary fibre", "dietary fiber", "modelling", "modeling", "haemoglobin", "hemoglobin", "ageing",
                   "aging", "paediatric obesity", "pediatric obesity", "tour", "tor", "flour", "flor", "filling",
                   "filing", "exercise", "exercize", "organic", "prise", "prize", "analyses", "analyzes")
    assert groups(counts, rules=only("spelling")) == by_members(
        {"ageing", "aging"}, {"analysed data", "analyzed data"}, {"behavioral change", "behavioural change"},
        {"city center", "city centre"}, {"color", "colour"}, {"dietary fiber", "dietary fibre"},
        {"haemoglobin", "hemoglobin"}, {"modeling", "modelling"}, {"organisation", "organization"},
        {"organised crime", "organized crime"}, {"paediatric obesity", "pediatric obesity"})


def test_plurals_only_with_an_occurring_singular():
    counts = frame("system", "systems", "small failure probability", "small failure probabilities", "case study",
                   "case studies", "meta-analysis", "meta-analyses", "process", "processes", "potato", "potatoes",
                   "approach", "approaches", "mechanism of action", "mechanisms of action", "rat", "rats",
                   "models", "systems biology", "system biology")
    assert groups(counts, rules=only("plural")) == by_members(
        {"approach", "approaches"}, {"case studies", "case study"}, {"mechanism of action", "mechanisms of action"},
        {"meta-analyses", "meta-analysis"}, {"potato", "potatoes"}, {"process", "processes"}, {"rat", "rats"},
        {"small failure probabilities", "small failure probability"}, {"system", "systems"})


def test_plurals_never_for_protected_words_or_short_singulars():
    counts = frame("analysis", "analysi", "physics", "physic", "mass", "mas", "series", "serie", "sery", "species",
                   "specie", "news", "new", "gas", "ga", "bias", "bia", "status", "statu", "data", "datum", "ftms",
                   "ftm", "rights", "right", "values", "value", "organic", "organization", "economics", "economic",
                   "lives", "live", "bases", "basis", "base", "natural gas", "natural ga", "aids", "aid")
    assert groups(counts, rules=only("plural")) == []


def test_acronyms_defined_or_sharing_records():
    counts = counts_of(**{"customer relationship management": 5, "customer relationship management (crm)": 2,
                          "crm": 9, "artificial intelligence": 4, "ai (artificial intelligence)": 1,
                          "artificial intelligence (al)": 1, "body mass index": 3, "bmi": 2, "us": 3,
                          "united states": 3, "ir": 1, "insulin resistance (ir)": 1})
    pairs = pd.DataFrame([(1, "crm"), (1, "customer relationship management"), (2, "bmi"), (2, "body mass index"),
                          (3, "us"), (3, "united states"), (4, "ir"), (4, "international relations")],
                         columns=["doc", "keyword"])
    table = suggest_thesaurus(counts, pairs=pairs, rules=only("acronym"))
    assert table.to_dict("list") == {
        "label": ["crm", "customer relationship management (crm)", "ai (artificial intelligence)", "bmi"],
        "replace_by": ["customer relationship management", "customer relationship management",
                       "artificial intelligence", "body mass index"],
        "rule": ["acronym"] * 4, "label_occurrences": [9, 2, 1, 2], "canonical_occurrences": [5, 5, 4, 3]}
    # without records, only the definitions merge; a bare acronym needs a record that uses both forms
    assert mapping(counts, rules=only("acronym")) == {
        "customer relationship management (crm)": "customer relationship management",
        "ai (artificial intelligence)": "artificial intelligence"}


def test_ambiguous_acronym_is_left_alone():
    counts = frame("ai", "artificial intelligence", "adequate intake")
    pairs = pd.DataFrame([(1, "ai"), (1, "artificial intelligence"), (2, "ai"), (2, "adequate intake")],
                         columns=["doc", "keyword"])
    assert mapping(counts, pairs=pairs) == {}
    assert mapping(counts, pairs=pairs.iloc[:2]) == {"ai": "artificial intelligence"}


@pytest.mark.parametrize(("acronym", "term", "spelled"), [
    ("bmi", "body mass index", True), ("eeg", "electroencephalography", True), ("iot", "internet of things", True),
    ("it", "internet of things", True), ("egcg", "epigallocatechin-3-gallate", True), ("t2dm", "type 2 diabetes mellitus", True),
    ("crm", "customer relationship management", True), ("cwb-gt", "cold-water brewed green tea", True),
    ("al", "artificial intelligence", False), ("h-ai", "hybrid human-artificial intelligence", False),
    ("ai", "conversational artificial intelligence", False), ("regionalism", "criollismo", False)])
def test_spells(acronym, term, spelled):
    assert _spells(acronym, term) is spelled


# -- canonical form, chains, options --------------------------------------------------------------------
def test_canonical_is_most_frequent_then_alphabetical_and_chains_resolve():
    counts = counts_of(**{"learning-functions": 7, "learning function": 3, "learning functions": 7,
                          "learningfunction": 1, "behaviour": 2, "behavior": 2})
    table = suggest_thesaurus(counts)
    assert table.to_dict("list") == {
        "label": ["learning-functions", "learning function", "learningfunction", "behaviour"],
        "replace_by": ["learning functions"] * 3 + ["behavior"],
        "rule": ["hyphen", "hyphen+plural", "plural", "spelling"],
        "label_occurrences": [7, 3, 1, 2], "canonical_occurrences": [7, 7, 7, 2]}


def test_switches_and_min_occurrences():
    counts = counts_of(**{"system": 3, "systems": 2, "meta-analysis": 1, "metaanalysis": 1})
    assert mapping(counts) == {"systems": "system", "metaanalysis": "meta-analysis"}  # tie: alphabetical
    assert mapping(counts, rules=SuggestRules(plural=False)) == {"metaanalysis": "meta-analysis"}
    assert mapping(counts, rules=NONE) == {}
    assert mapping(counts, min_occurrences=3) == {"systems": "system"}  # 3 + 2 >= 3 > 1 + 1
    with pytest.raises(OptionError, match="at least 1"):
        suggest_thesaurus(counts, min_occurrences=0)


def test_bad_input_frames():
    with pytest.raises(ValueError, match="twice"):
        suggest_thesaurus(frame("a", "a"))
    with pytest.raises(ValueError, match="occurrences"):
        suggest_thesaurus(pd.DataFrame({"keyword": ["a"]}))
    empty = suggest_thesaurus(frame())
    assert list(empty.columns) == list(COLUMNS) and empty.empty


# -- files ----------------------------------------------------------------------------------------------
def test_write_thesaurus_is_vosviewer_format_and_round_trips(tmp_path):
    table = pd.DataFrame({"label": ["systems", "health, public", '"intention" (yi)', "-ghrelin", "a;b"],
                          "replace_by": ["system", "public health", "intention (yi)", "ghrelin", "a b"],
                          "rule": ["plural", "x", "x", "x", "x"],
                          "label_occurrences": [2, 1, 1, 1, 1], "canonical_occurrences": [5, 3, 1, 2, 1]})
    path = write_thesaurus(table, tmp_path / "sub" / "thesaurus.txt", explain_path=tmp_path / "explain.csv")
    assert path.read_bytes().decode("utf-8") == (
        'label\treplace by\nsystems\tsystem\n"health, public"\tpublic health\n"""intention"" (yi)"\tintention (yi)\n'
        '-ghrelin\tghrelin\n"a;b"\ta b\n')
    assert read_thesaurus(path) == dict(zip(table["label"], table["replace_by"], strict=True))
    explained = pd.read_csv(tmp_path / "explain.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(explained.columns) == [*COLUMNS, "variants"]
    assert [csv_unescape(v) for v in explained["label"]] == table["label"].tolist()
    assert explained["variants"].iloc[0] == "system (5); systems (2)"


def test_explain_lists_every_variant_most_frequent_first():
    table = suggest_thesaurus(counts_of(**{"risk factor": 4, "risk factors": 9, "risk-factors": 2}))
    assert explain(table)["variants"].tolist() == ["risk factors (9); risk factor (4); risk-factors (2)"] * 2


def test_same_input_same_bytes(tmp_path, samples):
    counts, pairs = samples
    head = counts.iloc[:3000]
    a = write_thesaurus(suggest_thesaurus(head), tmp_path / "a.txt", explain_path=tmp_path / "a.csv")
    b = write_thesaurus(suggest_thesaurus(head.iloc[::-1]), tmp_path / "b.txt", explain_path=tmp_path / "b.csv")
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert np.all(suggest_thesaurus(head)["canonical_occurrences"] > 0)
