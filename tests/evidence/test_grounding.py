from briefer.evidence.grounding import Grounder

TEXT = (
    "The council said on Monday that it “will not   raise” taxes.\n"
    "Mayor Ana Ruiz pledged 40 new buses by 2027, officials said. Critics called the plan "
    "unrealistic and said the budget would not cover it."
)


def test_exact_quote_gets_its_offsets() -> None:
    g = Grounder(TEXT)
    quote = "Mayor Ana Ruiz pledged 40 new buses by 2027"
    span = g.locate(quote)
    assert span is not None
    assert TEXT[span[0] : span[1]] == quote


def test_whitespace_quote_marks_and_case_are_forgiven() -> None:
    g = Grounder(TEXT)
    span = g.locate('it "will not raise" TAXES')
    assert span is not None
    assert TEXT[span[0] : span[1]] == "it “will not   raise” taxes"


def test_quote_wrapped_in_quote_marks_and_trailing_punctuation() -> None:
    span = Grounder(TEXT).locate('"Critics called the plan unrealistic."')
    assert span is not None
    assert TEXT[span[0] : span[1]] == "Critics called the plan unrealistic"


def test_elided_quote_is_found_when_parts_are_close_and_in_order() -> None:
    g = Grounder(TEXT)
    span = g.locate("Critics called the plan ... the budget would not cover it")
    assert span is not None
    assert TEXT[span[0] : span[1]].startswith("Critics called the plan")
    assert TEXT[span[0] : span[1]].endswith("would not cover it")
    assert g.locate("the budget would not cover it ... Critics called the plan") is None


def test_invented_quote_is_not_found() -> None:
    g = Grounder(TEXT)
    assert g.locate("The mayor promised free buses for everyone") is None
    assert g.locate("") is None
    assert g.locate("a") is None


def test_evidence_marks_grounded_and_keeps_missing_quotes_without_offsets() -> None:
    evidence, grounded = Grounder(TEXT).evidence(
        ["invented words here", "pledged 40 new buses", "pledged 40 new buses"]
    )
    assert grounded is True
    assert [e.quote for e in evidence] == ["pledged 40 new buses", "invented words here"]
    assert evidence[0].start is not None and evidence[1].start is None and evidence[1].end is None
    none, grounded = Grounder(TEXT).evidence(["nothing like this appears"])
    assert grounded is False and none[0].start is None


def test_evidence_quote_is_the_articles_own_wording() -> None:
    evidence, _ = Grounder(TEXT).evidence(["MAYOR ANA RUIZ PLEDGED"])
    assert evidence[0].quote == "Mayor Ana Ruiz pledged"
