"""Each code cites the section whose sentence it enforces, and quotes that sentence.

The quote (``RuleInfo.quote``) must occur in the spec's text of the cited section, white space
and the PDF's line breaks normalised; ``' ... '`` in a quote marks words left out.  The tests
skip when ``../shared/spec`` is absent, and fail instead when the CI variable is set.
"""

from __future__ import annotations

import pytest

import runhistory.rules  # noqa: F401  (registers every rule in the catalog)
from runhistory.catalog import CATALOG, Kind
from runhistory.sections import NO_SECTION
from spec_text import need_spec, normalise, pieces, quoted_in, sections

CODES = sorted(CATALOG)


@pytest.mark.parametrize("code", CODES)
def test_each_code_quotes_a_sentence_of_the_section_it_cites(code: str) -> None:
    info = CATALOG[code]
    if info.section == NO_SECTION:
        assert not info.quote, f"{code} cites no section but quotes one"
        assert info.kind in (Kind.TOOL, Kind.INPUT) and info.notes, (
            f"{code}: only the tool's own codes cite no section, and say why in their notes"
        )
        return
    need_spec()
    assert info.quote, f"{code} cites §{info.section} but quotes no sentence of it"
    assert info.section in sections(), f"{code} cites §{info.section}, which has no prose"
    assert quoted_in(info.quote, sections()[info.section]), (
        f"{code}: the quote is not in §{info.section}: {info.quote!r}"
    )


@pytest.mark.parametrize("code", CODES)
def test_quotes_are_short(code: str) -> None:
    words = sum(len(p.split()) for p in pieces(CATALOG[code].quote))
    assert words <= 60, f"{code} quotes {words} words; quote the sentence, not the paragraph"


def test_the_section_text_is_running_prose() -> None:
    need_spec()
    text = sections()
    # A sentence broken across pages (footer, link line and all) reads as one.
    assert (
        "The next step in the run profile will run and data will be obsoleted."
        in (text["2.2.1.1.1"])
    )
    assert "[MS-UPSMODS]" not in text["2.2.1.1.1"]
    assert "go.microsoft.com" not in text["2.2.1.1.1.1"]
    # A line broken inside a token is joined without a blank.
    assert "a script-based synchronization rule" in text["2.2.1.1.1"]


def test_a_quote_from_another_section_is_refused() -> None:
    need_spec()
    text = sections()
    moved = "The run-details/step-details/@step-number attribute is the run profile step number"
    assert quoted_in(moved, text["2.2.1.1.1"])
    assert not quoted_in(moved, text["2.2.1.1"])
    assert not quoted_in("step number ... starting at 1 ... step-id", text["2.2.1.1"])
    assert quoted_in("@step-number attribute ... starting at 1", text["2.2.1.1.1"])
    assert not quoted_in("starting at 1 ... @step-number attribute", text["2.2.1.1.1"])


def test_normalise_collapses_blanks_and_bullets() -> None:
    assert normalise("a \n\t b\uf0b7 c ") == "a b c"
