"""The regex literal prefilter never hides a match: soundness over generated patterns and texts."""
from __future__ import annotations

import os
import sys

import pytest
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cleaner.packs import load_packs, shipped_pack_paths
from cleaner.regex_prefilter import _ALLOWED, fold, required_literals

EXAMPLES = int(os.environ.get("CLEANER_HYPOTHESIS_EXAMPLES", "300"))
SETTINGS = settings(max_examples=3 * EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Upper case, the Kelvin sign and long s (which match k and s case-insensitively), the
# Turkish dotted capital I and dotless i (which regex matches to i and I), sharp s.
ALPHABET = "abkKsSiI \t\n,\u212a\u017f\u0130\u0131\xdf"
texts = st.text(alphabet=ALPHABET, max_size=30)

LITERALS = ["a", "b", "k", "K", "s", "S", "i", "I", " ", ",", "\u212a", "\u017f", "\u0130",
            "\\t", "\\n", "\\x4b", "\\."]
CLASSES = [".", "\\w", "\\W", "\\s", "\\S", "\\d", "[ab]", "[aA]", "[kK]", "[sS]", "[^a]",
           "[a-c]", "[ ,]", "[iI]", "\\b", "\\B", "^", "$"]


def _patterns() -> st.SearchStrategy[str]:
    atom = st.sampled_from(LITERALS) | st.sampled_from(CLASSES)
    quantifiers = st.sampled_from(["", "", "", "?", "*", "+", "??", "+?", "{2}", "{0,2}",
                                   "{1,3}", "{2,}", "++"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        seq = st.lists(inner, min_size=1, max_size=4).map("".join)
        alt = st.lists(seq, min_size=1, max_size=3).map("|".join)
        group = st.tuples(st.sampled_from(["(", "(?:", "(?i:", "(?-i:", "(?=", "(?!", "(?<=",
                                           "(?<!", "(?>"]), alt).map(lambda t: f"{t[0]}{t[1]})")
        return st.tuples(group | inner, quantifiers).map("".join) | seq

    body = st.recursive(atom, extend, max_leaves=12)
    top = st.lists(body, min_size=1, max_size=3).map("|".join)
    # A trailing back reference compiles only when group 1 exists; other patterns are skipped.
    return st.tuples(st.sampled_from(["", "", "(?i)"]), top, st.sampled_from(["", "", "\\1"])).map(
        "".join)


def _compile(pattern: str, flags: int):
    try:
        return regex.compile(pattern, flags | regex.VERSION0)
    except (regex.error, OverflowError, RecursionError):
        return None


def _holds(literals, ignorecase: bool, text: str) -> bool:
    if literals is None:
        return True
    haystack = fold(text) if ignorecase else text
    return any(lit in haystack for lit in literals)


# Characters that the same regex may match case-insensitively, to swap into texts.
SWAPS = {"k": "K\u212a", "K": "k\u212a", "s": "S\u017f", "S": "s\u017f", "i": "I\u0130\u0131",
         "I": "i\u0130\u0131", "a": "A", "b": "B", "\u212a": "kK", "\u017f": "sS"}


def _matching_text(data, pattern: str) -> str:
    """A text the pattern probably matches: generated from it, with some case swapped."""
    import re
    try:
        compiled = re.compile(pattern)
    except (re.error, OverflowError, RecursionError):
        return data.draw(texts)
    try:
        text = data.draw(st.from_regex(compiled, alphabet=ALPHABET))
    except Exception:  # strategies that hypothesis cannot build for this pattern
        return data.draw(texts)
    chars = list(text)
    for n, ch in enumerate(chars):
        if ch in SWAPS and data.draw(st.booleans()):
            chars[n] = data.draw(st.sampled_from(SWAPS[ch]))
    return "".join(chars)


def _check(pattern: str, ignorecase: bool, text: str, data) -> None:
    compiled = _compile(pattern, regex.IGNORECASE if ignorecase else 0)
    assume(compiled is not None)
    # min_length=1 keeps short literals too, so that far more patterns give a set to test.
    whole = compiled.search(text, timeout=1.0)
    if whole:
        for min_length in (1, 3):
            found = required_literals(pattern, ignorecase, min_length=min_length)
            assert _holds(found, ignorecase, text), (found, fold(text))
    # Within a segment only what the segment holds counts: lookbehinds may read before it,
    # so try segments that begin (or end) just where a match does, too.
    pos = data.draw(st.integers(0, len(text)))
    if whole and data.draw(st.booleans()):
        pos = whole.start()
    endpos = data.draw(st.integers(pos, len(text)))
    if whole and whole.end() >= pos and data.draw(st.booleans()):
        endpos = whole.end()
    if compiled.search(text, pos, endpos, timeout=1.0):
        found = required_literals(pattern, ignorecase, lookbehind=False, min_length=1)
        assert _holds(found, ignorecase, text[pos:endpos]), (found, text[pos:endpos])


@SETTINGS
@given(pattern=_patterns(), ignorecase=st.booleans(), generated=st.booleans(), data=st.data())
def test_a_match_implies_a_literal(pattern, ignorecase, generated, data):
    text = _matching_text(data, pattern) if generated else data.draw(texts)
    _check(pattern, ignorecase, text, data)


# Few short words, so that patterns built from them often match texts built from them.
WORDS = ["ab", "kis", "IS", "a", "b k", "si"]
GROUPS = ["(?:", "(?i:", "(?-i:", "(?=", "(?!", "(?<=", "(?<!", "("]


def _simple_patterns() -> st.SearchStrategy[str]:
    word = st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map("|".join)
    part = st.tuples(st.sampled_from(GROUPS + ["", ""]), word, st.sampled_from(["", "?", "+", "*"]))
    part = part.map(lambda t: (f"{t[0]}{t[1]})" if t[0] else f"(?:{t[1]})") + t[2])
    return st.lists(part, min_size=1, max_size=4).map("".join)


@SETTINGS
@given(pattern=_simple_patterns(), ignorecase=st.booleans(), data=st.data())
def test_a_match_implies_a_literal_for_lookarounds_and_case(pattern, ignorecase, data):
    pieces = data.draw(st.lists(st.sampled_from(WORDS) | st.text(ALPHABET, max_size=2),
                                max_size=6))
    text = "".join(pieces)
    chars = list(text)
    for n, ch in enumerate(chars):
        if ch in SWAPS and data.draw(st.integers(0, 3)) == 0:
            chars[n] = data.draw(st.sampled_from(SWAPS[ch]))
    _check(pattern, ignorecase, "".join(chars), data)


@SETTINGS
@given(pattern=_patterns())
def test_literals_are_ascii_and_folded_when_case_insensitive(pattern):
    for ignorecase in (False, True):
        found = required_literals(pattern, ignorecase, min_length=1)
        assert found is None or (found and all(s and s.isascii() for s in found))
        if found is not None and ignorecase:
            assert all(s == s.lower() for s in found)


def test_fold_covers_every_character_regex_matches_to_an_ascii_literal():
    """The one fact the case-insensitive check rests on, checked over all of Unicode."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1))
    for code in sorted(_ALLOWED):
        ch = chr(code)
        for m in regex.finditer(regex.escape(ch), everything, regex.IGNORECASE | regex.VERSION0):
            assert fold(m.group()) == ch.lower(), (ch, hex(ord(m.group())))
            if ch.lower() == ch.upper():  # not a letter: matches only itself, even ignoring case
                assert m.group() == ch, (ch, hex(ord(m.group())))


def test_plain_casefold_would_not_do():
    """regex matches i to U+0130, whose casefold is two characters: fold() must fix that."""
    assert regex.search("xiy", "x\u0130y", regex.IGNORECASE | regex.VERSION0)
    assert "xiy" not in "x\u0130y".casefold()
    assert "xiy" in fold("x\u0130y")
    assert "xiy" in fold("X\u0131Y")


@pytest.mark.parametrize("pattern,ignorecase,expected", [
    (r"\bjupiter (notebooks?|lab|hub)\b", True,
     {"jupiter notebook", "jupiter lab", "jupiter hub"}),
    (r"\b(over|under) (fit|fits)\b", True, {"over fit", "under fit"}),
    (r"Abc(?i:def)", False, {"Abc"}),
    (r"Abc(?i:def)", True, {"abcdef"}),
    (r"(?i)Abcdef", False, None),                    # case-insensitive everywhere
    (r"abc(?-i:DEF)", True, {"abcdef"}),
    (r"(?:abc)?x", True, None),                      # optional parts give nothing
    (r"(?:abc)+x", True, {"abcx"}),                 # the last repetition ends before x
    (r"(?:abc){2}", True, {"abcabc"}),
    (r"(?!abc)x", True, None),                       # negative lookarounds give nothing
    (r"(?=abcd)\w+", True, {"abcd"}),
    (r"(a)bc\1", True, {"abc"}),
    (r"(a)\1bc", True, None),                        # a back reference breaks the literal
    (r"[aA]bc", False, {"abc", "Abc"}),              # a class of literals is an alternation
    (r"[aA]bc", True, {"abc"}),
    (r"\p{Ll}abc", True, None),                      # regex-only syntax
    (r"(?|(abc)|(def))", True, None),
    (r"(?:abc){e<=1}", True, None),                  # fuzzy constraint
    (r"[a[:digit:]]xyz", True, None),                # POSIX class
    (r"[[a]xyz", True, None),                        # possible nested set
    (r"(?x) a b c", True, None),                     # verbose
    (r"caf\xe9s", True, {"caf"}),                    # non-ASCII ends a literal
    (r"abc|d", True, None),                          # a branch too short
])
def test_examples(pattern, ignorecase, expected):
    found = required_literals(pattern, ignorecase)
    assert (None if found is None else set(found)) == expected


def _shipped_regex_rules():
    return [r for p in load_packs(list(shipped_pack_paths())) for r in p.rules
            if r.kind == "regex"]


def test_every_shipped_regex_rule_is_analysed():
    rules = _shipped_regex_rules()
    assert len(rules) >= 30
    for rule in rules:
        pattern = rule.patterns[0]
        ignorecase = bool(pattern.flags & regex.IGNORECASE)
        found = required_literals(pattern.pattern, ignorecase)
        assert found is None or all(len(s) >= 3 for s in found), rule.full_id
        if rule.pack == "ml-terms":
            assert found, rule.full_id
        for example in rule.examples:  # each example the rule matches holds a literal
            if pattern.search(example.text):
                assert _holds(found, ignorecase, example.text), (rule.full_id, example.text)


def test_matchers_skip_only_what_cannot_match():
    """Same matches with the prefilter (active list, segment checks) as without, and the
    ml-terms regexes are left out of a text that has none of their words."""
    from cleaner.matching import Matchers
    from cleaner.nlp import pattern_pipeline, pipeline
    from cleaner.segments import line_segments

    rules = [r for p in load_packs(list(shipped_pack_paths())) for r in p.rules]
    matchers = Matchers(rules, pipeline(), pattern_pipeline())
    examples = [e.text for r in rules if r.kind == "regex" for e in r.examples]
    texts = ["\n".join(examples), "\n".join(examples).upper(), "K\u0130 NEAREST neighbors,  i think",
             "we cook pasta . and i said [Music] (inaudible)\r\nok", "\u212aay nearest neighbours"]
    for text in texts:
        active = matchers.active_regexes(text)
        assert [i for i, _ in active] == sorted(i for i, _ in active)
        for seg in line_segments(text):
            unfiltered = []
            for index, pattern in matchers.regexes:
                unfiltered.extend((index, m.span()) for m in
                                  pattern.finditer(text, seg.start, seg.end))
            filtered = [(m.rule, (m.start, m.end)) for m in
                        matchers.in_segment(text, seg.start, seg.end, active)]
            default = [(m.rule, (m.start, m.end)) for m in
                       matchers.in_segment(text, seg.start, seg.end)]
            assert filtered == unfiltered == default, (text[seg.start:seg.end])
    ml_terms = {i for i, r in enumerate(rules) if r.pack == "ml-terms" and r.kind == "regex"}
    quiet = {i for i, _ in matchers.active_regexes("we cook pasta with butter and garlic")}
    assert ml_terms and not ml_terms & quiet
    assert quiet  # regexes without literals (fillers, punctuation) always run
    jupyter = next(i for i, r in enumerate(rules) if r.full_id == "ml-terms.jupyter-notebook")
    assert jupyter in {i for i, _ in matchers.active_regexes("open a JUPITER Notebook")}
