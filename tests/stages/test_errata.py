"""stages/errata.py: strict, declared corrections with their source positions."""

import pytest

from pipeline.errors import PipelineError
from pipeline.stages.errata import Fix, apply_errata, parse_errata

SOURCE = "Tanaka. Spehres of cooperation.\nBrezhnev. Other spehres too [sic].\n"


def fix(find, replace, id_="f", reason="typo"):
    return Fix(id=id_, find=find, replace=replace, reason=reason, line=1)


def test_applies_each_fix_once_and_reports_where_it_falls():
    text, corrections = apply_errata(SOURCE, (fix("Other spehres", "Other spheres"),), marked=False)
    assert "Other spheres too [sic]" in text and "Spehres of" in text
    (correction,) = corrections
    assert (correction.line, correction.column) == (2, 11)
    assert (correction.find, correction.replace) == ("Other spehres", "Other spheres")


def test_corrections_come_in_source_order_whatever_the_file_order():
    _, corrections = apply_errata(
        SOURCE, (fix("Other spehres", "Other spheres", "b"), fix("Spehres", "Spheres", "a"))
    )
    assert [c.id for c in corrections] == ["a", "b"]


def test_zero_matches_stops_the_build_naming_the_entry():
    with pytest.raises(PipelineError, match=r"fix 'ghost'.*does not occur") as caught:
        apply_errata(SOURCE, (Fix("ghost", "nowhere", "x", "typo", line=7),), errata_path="e.toml")
    assert (caught.value.path, caught.value.line) == ("e.toml", 7)


def test_more_than_one_match_stops_the_build_and_says_where():
    with pytest.raises(PipelineError, match=r"occurs 2 times .*lines 1, 2"):
        apply_errata(SOURCE, (fix("pehres", "pheres"),))


def test_overlapping_fixes_stop_the_build_naming_both():
    fixes = (
        fix("Spehres of", "Spheres of", "one"),
        fix("of cooperation", "of co-operation", "two"),
    )
    with pytest.raises(PipelineError, match="'two' overlaps fix 'one'"):
        apply_errata(SOURCE, fixes)


ENTRY = '[[fix]]\nid = "a"\nfind = "x"\nreplace = "y"\nreason = "typo"\n'


def test_parse_reads_entries_with_their_lines():
    (entry,) = parse_errata("# comment\n\n" + ENTRY + 'note = "n"\n')
    assert entry == Fix("a", "x", "y", "typo", "n", line=3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTRY + 'comment = "?"\n', "unknown key 'comment'"),
        ('[[fix]]\nid = "a"\nfind = "x"\nreason = "typo"\n', "missing key 'replace'"),
        (ENTRY.replace('"typo"', '""'), "'reason' must not be empty"),
        (ENTRY.replace('"y"', "3"), "'replace' must be a string"),
        (ENTRY + ENTRY, "id already used"),
        (ENTRY.replace('"y"', '"x"'), "same as `find`"),
        (ENTRY.replace('"x"', '"a\\nb"'), "must not span lines"),
        ("title = 1\n", "unknown top-level key"),
    ],
)
def test_parse_rejects_malformed_entries(text, message):
    with pytest.raises(PipelineError, match=message):
        parse_errata(text, "errata.toml")


def test_toml_syntax_error_names_the_line():
    with pytest.raises(PipelineError) as caught:
        parse_errata('[[fix]]\nid = "a\n', "errata.toml")
    assert caught.value.line == 2 and "not valid TOML" in caught.value.message
