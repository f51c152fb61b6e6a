"""Typed answers: the pure matching rules, without a database."""

from teaching.lib.matching import best_match, edit_distance, names_match, normalise, tolerance


def test_case_accents_and_punctuation_do_not_matter():
    assert normalise("  Calcifilaxis, ¡urémica!  ") == "calcifilaxis uremica"
    assert names_match("CALCIFILÁXIS", ["Calcifilaxis"])


def test_a_near_miss_is_forgiven_in_proportion_to_the_names_length():
    assert [tolerance(n) for n in ("gout", "gouty", "calcinosis", "calciphylaxis")] == [0, 1, 1, 2]
    assert names_match("calciphylaxsi", ["Calciphylaxis"])  # two letters swapped
    assert not names_match("calcinosis", ["Calciphylaxis"])
    assert not names_match("gut", ["Gout"])  # short names must be exact


def test_the_distance_gives_up_early_but_never_wrongly():
    assert edit_distance("kitten", "sitting", 3) == 3
    assert edit_distance("kitten", "sitting", 1) == 2  # over the limit: limit + 1


def test_an_empty_or_huge_answer_matches_nothing_and_costs_little():
    assert not names_match("", ["Gout"])
    assert not names_match("a" * 100_000, ["Gout"])


def test_the_best_match_prefers_an_exact_name_to_a_near_miss():
    candidates = {"myositis": ["Myositis"], "myosis": ["Myosis"]}
    assert best_match("myosis", candidates) == "myosis"
    assert best_match("nothing like it", candidates) is None
