"""Tests for annotate.segmentation: the genre table, the span contract and the sample document."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.model import SegmentationSettings
from annotate.segmentation import segment

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "industry-recovery.txt"

GENRE_CASES: list[tuple[str, str, list[str]]] = [
    # Bracketed citations stay with the sentence they follow.
    ("citation-after-period-with-trailing-period",
     "The financial assistance provided to the poor in 1924/25 alone reached approximately "
     "100-105 million rubles. [Cm. Stalin Political Report of the Central Committee to the XIV "
     "Congress of the All-Union Communist Party of Bolsheviks, 1933, p. 42.]. Relying on the "
     "rural poor, the working class strengthened its alliance.",
     ["The financial assistance provided to the poor in 1924/25 alone reached approximately "
      "100-105 million rubles. [Cm. Stalin Political Report of the Central Committee to the XIV "
      "Congress of the All-Union Communist Party of Bolsheviks, 1933, p. 42.].",
      "Relying on the rural poor, the working class strengthened its alliance."]),
    ("citation-after-straight-quote",
     'Comrade Stalin pointed out that "... in general, the uprising in Georgia was artificial, '
     'not popular" [Stalin, Peasant Question. Articles and speeches, Guise, 1925, p. 27.]. '
     "The class struggle unfolded in the most varied forms.",
     ['Comrade Stalin pointed out that "... in general, the uprising in Georgia was artificial, '
      'not popular" [Stalin, Peasant Question. Articles and speeches, Guise, 1925, p. 27.].',
      "The class struggle unfolded in the most varied forms."]),
    ("citation-after-curly-quote-ibid",
     "Comrade Stalin said: “To transform our country from an agrarian into an industrial one "
     "—that is the essence” [Ibid., p. 62.]. The struggle went on.",
     ["Comrade Stalin said: “To transform our country from an agrarian into an industrial one "
      "—that is the essence” [Ibid., p. 62.].",
      "The struggle went on."]),
    ("citation-with-ed-and-pp",
     "He spoke “without the preliminary victory of the proletarian revolution in other "
     "countries” [Stalin, Questions of Leninism, ed. 11th, pp. 139 - 140.]. Comrade Stalin "
     "dealt with this problem.",
     ["He spoke “without the preliminary victory of the proletarian revolution in other "
      "countries” [Stalin, Questions of Leninism, ed. 11th, pp. 139 - 140.].",
      "Comrade Stalin dealt with this problem."]),
    ("citation-with-quoted-title-inside",
     "It meant its cultivation and enrichment [\"History of the CPSU (b)\". Short course, "
     "p. 263.]. Zinoviev and Kamenev spoke out.",
     ["It meant its cultivation and enrichment [\"History of the CPSU (b)\". Short course, "
      "p. 263.].",
      "Zinoviev and Kamenev spoke out."]),
    ("citation-with-stray-closing-bracket",
     "He asked what the prospects of our revolution are” [Lenin and Stalin, Collection of "
     "Works], vol. III, 1937, p. 78.]. Under the leadership of Comrade Stalin the Party went on.",
     ["He asked what the prospects of our revolution are” [Lenin and Stalin, Collection of "
      "Works], vol. III, 1937, p. 78.].",
      "Under the leadership of Comrade Stalin the Party went on."]),
    ("citation-without-final-period",
     "It will be great enough to protect the USSR” [“VKP(b) in resolutions”, part II, 1936, "
     "p. 155]. The doctrine was a weapon.",
     ["It will be great enough to protect the USSR” [“VKP(b) in resolutions”, part II, 1936, "
      "p. 155].",
      "The doctrine was a weapon."]),
    ("citation-followed-by-sentence-in-same-line",
     'The task of "...finishing off capitalism also economically" ["History of the CPSU (b)". '
     "Short course, p. 260.]. All the practical work was subordinated to this task.",
     ['The task of "...finishing off capitalism also economically" ["History of the CPSU (b)". '
      "Short course, p. 260.].",
      "All the practical work was subordinated to this task."]),
    ("citation-at-end-of-line",
     "It was a major victory [Ibid., p. 12.].",
     ["It was a major victory [Ibid., p. 12.]."]),
    ("citation-cf-inside-bracket",
     "The figures grew. [Cf. Soch., vol. XXVI, p. 7. Ibid., p. 9.]. Then they fell.",
     ["The figures grew. [Cf. Soch., vol. XXVI, p. 7. Ibid., p. 9.].", "Then they fell."]),
    ("any-period-inside-bracket",
     "The report was read [See The Report. It Was Long. Moscow, 1926.] and approved.",
     ["The report was read [See The Report. It Was Long. Moscow, 1926.] and approved."]),
    ("unclosed-bracket-bounded-by-line",
     'There is "...everything necessary" [Lenin, Soch., vol. XXVII, p. building socialism in '
     "the USSR.\n\nThe best sons of the party went to Leningrad. They completed the defeat.",
     ['There is "...everything necessary" [Lenin, Soch., vol. XXVII, p. building socialism in '
      "the USSR.",
      "The best sons of the party went to Leningrad.", "They completed the defeat."]),
    ("editorial-ellipsis-bracket-in-quote",
     '"Bohr [...] used the analogy of parallel stairways [...]" (Smith 55). Next one.',
     ['"Bohr [...] used the analogy of parallel stairways [...]" (Smith 55).', "Next one."]),
    # Citation abbreviations outside brackets.
    ("page-abbreviation-before-number",
     "Please turn to p. 55. The table is there.",
     ["Please turn to p. 55.", "The table is there."]),
    ("volume-abbreviation-before-roman-numeral",
     "See vol. III of the collection. It is short.",
     ["See vol. III of the collection.", "It is short."]),
    ("cm-abbreviation-before-name",
     "This was noted earlier; Cm. Stalin, Works, for details. Next.",
     ["This was noted earlier; Cm. Stalin, Works, for details.", "Next."]),
    # Initials.
    ("initials-v-i-lenin",
     "The plan was drawn up by V. I. Lenin in 1921. It was adopted.",
     ["The plan was drawn up by V. I. Lenin in 1921.", "It was adopted."]),
    ("initials-i-v-stalin-after-sentence",
     "The congress opened. I. V. Stalin gave the report.",
     ["The congress opened.", "I. V. Stalin gave the report."]),
    ("initial-after-first-name",
     "My name is Jonas E. Smith. I live here.",
     ["My name is Jonas E. Smith.", "I live here."]),
    ("pronoun-i-ends-sentence",
     "We make a good team, you and I. Did you see Albert I. Jones yesterday?",
     ["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"]),
    ("initials-cyrillic",
     "Доклад сделал В. И. Ленин. Съезд одобрил его.",
     ["Доклад сделал В. И. Ленин.", "Съезд одобрил его."]),
    # Line breaks and headings.
    ("line-break-always-splits",
     "The restoration period ended\nA new period began",
     ["The restoration period ended", "A new period began"]),
    ("line-break-inside-sentence-splits",
     "The party strengthened the alliance of the working class and the\npoor peasants.",
     ["The party strengthened the alliance of the working class and the", "poor peasants."]),
    ("title-line-is-own-unit",
     "Creating the material basis of socialism- Industry Recovery\n\nFive years of New Economic "
     "Policy have passed.",
     ["Creating the material basis of socialism- Industry Recovery",
      "Five years of New Economic Policy have passed."]),
    ("navigation-line-with-no-break-spaces",
     "Marx-Engels |\u00a0 Lenin \u00a0| Stalin |\u00a0 Home Page\n\n\u00a0\u00a0 The development "
     "of the Soviet economy\n",
     ["Marx-Engels |\u00a0 Lenin \u00a0| Stalin |\u00a0 Home Page",
      "The development of the Soviet economy"]),
    ("numbered-heading-not-split",
     "Chapter 3. The restoration period\nIt lasted five years.",
     ["Chapter 3. The restoration period", "It lasted five years."]),
    ("colon-line-is-own-unit",
     "Comrade Stalin said in this connection: \n\n“There are two general lines.",
     ["Comrade Stalin said in this connection:", "“There are two general lines."]),
    ("trailing-no-break-space-trimmed",
     "Five years of New Economic Policy have passed.\u00a0\n\nThe material situation improved.",
     ["Five years of New Economic Policy have passed.", "The material situation improved."]),
    # Quotations.
    ("curly-quotation-of-several-sentences",
     "On this occasion, Comrade Stalin noted: “The fact is that there are two ways. The capitalist "
     "path means impoverishment. The socialist path means a rise in well-being” [Stalin, On the "
     "Opposition, collection, p. 184.]. These propositions are a development.",
     ["On this occasion, Comrade Stalin noted: “The fact is that there are two ways.",
      "The capitalist path means impoverishment.",
      "The socialist path means a rise in well-being” [Stalin, On the Opposition, collection, "
      "p. 184.].",
      "These propositions are a development."]),
    ("straight-quotation-of-several-sentences",
     'He wrote: "This line requires the maximum development of our industry. It resolutely '
     'denies the policy of turning our country into an appendage." Sokolnikov came out against.',
     ['He wrote: "This line requires the maximum development of our industry.',
      'It resolutely denies the policy of turning our country into an appendage."',
      "Sokolnikov came out against."]),
    ("quotation-opened-in-earlier-paragraph",
     "There is another general line,” continues Comrade Stalin, “based on the fact that we must "
     "make every effort. This line is obligatory\" [Stalin, Political report, p. 27.]. It is known "
     "that Sokolnikov came out against it.",
     ["There is another general line,” continues Comrade Stalin, “based on the fact that we must "
      "make every effort.",
      "This line is obligatory\" [Stalin, Political report, p. 27.].",
      "It is known that Sokolnikov came out against it."]),
    ("unclosed-quotation-still-splits",
     "“There are two general lines: one proceeds from the fact. This line means a departure. "
     "This is not our line.",
     ["“There are two general lines: one proceeds from the fact.",
      "This line means a departure.", "This is not our line."]),
    ("quotation-then-lowercase-said",
     "She turned to him, \"This is great.\" she said.",
     ["She turned to him, \"This is great.\" she said."]),
    ("quotation-period-inside-then-new-sentence",
     "The kulak slogan was \"enrich yourself.\" According to the Bukharinites it was fine.",
     ["The kulak slogan was \"enrich yourself.\"",
      "According to the Bukharinites it was fine."]),
    ("quoted-word-then-period",
     'It went down in history under the name "Dymovka". On March 28, 1924, a correspondent was '
     "killed.",
     ['It went down in history under the name "Dymovka".',
      "On March 28, 1924, a correspondent was killed."]),
    ("quotation-with-inner-comma-and-continuation",
     "“The historical significance of the Fourteenth Congress,” wrote Comrade Stalin, “consists "
     "in the fact that it was able to reveal the mistakes” [Stalin, Questions of Leninism, ed. "
     "11th, p. 156.].",
     ["“The historical significance of the Fourteenth Congress,” wrote Comrade Stalin, “consists "
      "in the fact that it was able to reveal the mistakes” [Stalin, Questions of Leninism, ed. "
      "11th, p. 156.]."]),
    ("ellipsis-inside-quotation-then-capital",
     "“This line requires, in fact, the curtailment of our industry... This line leads nowhere.",
     ["“This line requires, in fact, the curtailment of our industry...",
      "This line leads nowhere."]),
    # Ordinary prose of the genre.
    ("decimal-numbers-not-boundaries",
     "On January 1, 1923, there were 4.6 million, and on January 1, 1926 - 8.3 million. The "
     "consciousness grew.",
     ["On January 1, 1923, there were 4.6 million, and on January 1, 1926 - 8.3 million.",
      "The consciousness grew."]),
    ("year-then-dash-lowercase-continues",
     "By the end of this period - 1924 - 1925. — the world bourgeoisie has managed to improve "
     "its affairs. Capitalism achieved a partial stabilization.",
     ["By the end of this period - 1924 - 1925. — the world bourgeoisie has managed to improve "
      "its affairs.",
      "Capitalism achieved a partial stabilization."]),
    ("etc-ends-sentence-before-capital",
     "In April 1925 there was an uprising in Morocco, etc. The growth of the might continued.",
     ["In April 1925 there was an uprising in Morocco, etc.",
      "The growth of the might continued."]),
    ("percent-figures",
     "Only 13% of the first group answered positively, and 33% of the second. The majority "
     "viewed NEP as a return to capitalism.",
     ["Only 13% of the first group answered positively, and 33% of the second.",
      "The majority viewed NEP as a return to capitalism."]),
    ("parenthesis-inside-sentence",
     "A striking expression of nationalism (1923) was the Sultangaliyevshchina. Sultan Galiev "
     "contacted his supporters (Persia, Turkey).",
     ["A striking expression of nationalism (1923) was the Sultangaliyevshchina.",
      "Sultan Galiev contacted his supporters (Persia, Turkey)."]),
    ("question-and-exclamation",
     "Is socialism possible in one country? Yes! The party answered clearly.",
     ["Is socialism possible in one country?", "Yes!", "The party answered clearly."]),
    ("abbreviation-cpsu-b-in-parentheses",
     "He was a member of the CPSU (b). The congress opened in December.",
     ["He was a member of the CPSU (b).", "The congress opened in December."]),
    ("us-abbreviation-before-capital-ends",
     "I live in the U.S. How about you?",
     ["I live in the U.S.", "How about you?"]),
    ("emoji-and-cjk",
     "The plan worked 😀. 中文句子。 Then it ended.",
     ["The plan worked 😀.", "中文句子。", "Then it ended."]),
    ("combining-marks",
     "Cafe\u0301 owners protested. The state responded.",
     ["Cafe\u0301 owners protested.", "The state responded."]),
]


def texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Return the sentences a list of spans selects."""
    return [text[start:end] for start, end in spans]


def assert_contract(text: str, spans: list[tuple[int, int]]) -> None:
    """Check the span contract: ordered, trimmed, non-empty, covering every visible character."""
    covered = [False] * len(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        for index in range(start, end):
            covered[index] = True
        previous_end = end
    for index, char in enumerate(text):
        assert covered[index] or char.isspace(), (index, char)


class TestGenreTable:
    """Sentence splits for cited historical prose."""

    @pytest.mark.parametrize(("text", "expected"),
                             [case[1:] for case in GENRE_CASES],
                             ids=[case[0] for case in GENRE_CASES])
    def test_case(self, text: str, expected: list[str]) -> None:
        """Each table case splits into exactly the expected sentences."""
        spans = segment(text)
        assert texts(text, spans) == expected
        assert_contract(text, spans)

    def test_table_is_large_enough(self) -> None:
        """The table holds at least 40 cases with unique ids."""
        ids = [case[0] for case in GENRE_CASES]
        assert len(ids) >= 40
        assert len(set(ids)) == len(ids)


class TestSettings:
    """Project segmentation settings."""

    def test_extra_abbreviation_never_ends_sentence(self) -> None:
        """A project abbreviation followed by a capital does not end the sentence."""
        text = "It was published in Moscow, Gospolitizdat. Vol. 2 followed. Then more."
        default = texts(text, segment(text))
        project_settings = SegmentationSettings(extra_abbreviations=["Gospolitizdat"])
        custom = texts(text, segment(text, project_settings))
        assert default[0] == "It was published in Moscow, Gospolitizdat."
        assert custom[0] == "It was published in Moscow, Gospolitizdat. Vol. 2 followed."

    def test_extra_abbreviation_with_trailing_period_and_space(self) -> None:
        """An abbreviation given with its period or inner spaces still matches."""
        text = "See op. cit. Lenin wrote it. Done."
        spans = segment(text, SegmentationSettings(extra_abbreviations=["op. cit."]))
        assert texts(text, spans) == ["See op. cit. Lenin wrote it.", "Done."]

    def test_default_settings_equal_none(self) -> None:
        """Passing default settings gives the same spans as passing none."""
        text = "One. Two. Three [p. 4.]. Four."
        assert segment(text) == segment(text, SegmentationSettings())


class TestEdgeCases:
    """Inputs at the edges of the contract."""

    @pytest.mark.parametrize("text", ["", " ", "\n\n", "\u00a0\t\r\n", "\u3000"],
                             ids=["empty", "space", "newlines", "mixed-space", "ideographic"])
    def test_whitespace_only_text_has_no_sentences(self, text: str) -> None:
        """Text with no visible character has no sentences."""
        assert segment(text) == []

    def test_crlf_is_one_line_break(self) -> None:
        """CRLF endings give the same sentences as LF and never a sentence of a lone CR."""
        lf_text = "First line. Second sentence.\n\nA heading\nLast line."
        crlf_text = lf_text.replace("\n", "\r\n")
        lf = texts(lf_text, segment(lf_text))
        crlf = texts(crlf_text, segment(crlf_text))
        assert crlf == lf == ["First line.", "Second sentence.", "A heading", "Last line."]
        assert_contract(crlf_text, segment(crlf_text))

    def test_lone_cr_is_a_line_break(self) -> None:
        """An old-Mac CR line ending splits like LF."""
        text = "One heading\rAnother heading"
        assert texts(text, segment(text)) == ["One heading", "Another heading"]

    def test_control_characters_are_kept(self) -> None:
        """NUL and other control characters stay inside sentences."""
        text = "A\x00b went. C\x01d\x7f came."
        spans = segment(text)
        assert_contract(text, spans)
        assert texts(text, spans)[0] == "A\x00b went."

    def test_lone_surrogate_does_not_fail(self) -> None:
        """A string with an unpaired surrogate still segments."""
        text = "Bad \ud800 byte. Next one."
        assert texts(text, segment(text)) == ["Bad \ud800 byte.", "Next one."]

    def test_long_line_is_linear(self) -> None:
        """A 1 MB line without breaks segments in well under a few seconds."""
        unit = "The party grew [Ibid., p. 5.]. Comrade V. I. Lenin said: “Yes. Right.” "
        text = unit * (1_000_000 // len(unit))
        started = time.perf_counter()
        spans = segment(text)
        assert time.perf_counter() - started < 3.0
        assert len(spans) == 3 * (1_000_000 // len(unit))

    def test_long_line_without_punctuation(self) -> None:
        """A huge line with no punctuation is one sentence and fast."""
        text = "word " * 200_000
        started = time.perf_counter()
        assert segment(text) == [(0, len(text) - 1)]
        assert time.perf_counter() - started < 2.0

    def test_deterministic(self) -> None:
        """Segmenting twice gives identical spans."""
        text = "A. B. C [d. e.]. F? G!"
        assert segment(text) == segment(text)


class TestInvariants:
    """The span contract holds for any text."""

    @settings(max_examples=300, deadline=None)
    @given(st.text())
    def test_contract_on_random_text(self, text: str) -> None:
        """Any string yields ordered, trimmed spans covering every visible character."""
        assert_contract(text, segment(text))

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("aB .?![]\"“”'’\n\r\u00a0(1)V.I")), max_size=80))
    def test_contract_on_punctuation_heavy_text(self, text: str) -> None:
        """Text dense in brackets, quotes and periods still satisfies the contract."""
        assert_contract(text, segment(text))


class TestLineLocality:
    """A line break always ends a sentence, so lines segment independently."""

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("aB .?![]\"“”V")), max_size=40),
           st.text(alphabet=st.sampled_from(list("aB .?![]\"“”V")), max_size=40),
           st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
    def test_lines_segment_independently(self, first: str, second: str, line_break: str) -> None:
        """Segmenting two joined lines equals segmenting each line on its own."""
        offset = len(first) + len(line_break)
        joined = segment(first + line_break + second)
        assert joined == segment(first) + [(s + offset, e + offset) for s, e in segment(second)]


@pytest.fixture(scope="module")
def sample_text() -> str:
    """The sample document of the corpus."""
    if not SAMPLE.exists():
        pytest.skip(f"sample document not found at {SAMPLE}")
    return SAMPLE.read_text(encoding="utf-8")


class TestSampleDocument:
    """The corpus document this tool is built around."""

    def test_contract(self, sample_text: str) -> None:
        """The sample's spans satisfy the contract."""
        assert_contract(sample_text, segment(sample_text))

    @pytest.mark.parametrize("sentence", [
        "Creating the material basis of socialism- Industry Recovery",
        "Marx-Engels |\u00a0 Lenin \u00a0| Stalin |\u00a0 Home Page",
        "The development of the Soviet economy",
        "The financial assistance provided to the poor in 1924/25 alone reached approximately "
        "100-105 million rubles. [Cm. Stalin Political Report of the Central Committee to the XIV "
        "Congress of the All-Union Communist Party of Bolsheviks, 1933, p. 42.].",
        "Comrade Stalin said: “To transform our country from an agrarian into an industrial one "
        "capable of producing the necessary equipment on its own—that is the essence, the basis "
        "of our general line” [Ibid., p. 62.].",
        "He stressed with particular force that in our country of the dictatorship of the "
        "proletariat there is \"...everything necessary for building a complete socialist "
        "society\" [Lenin, Soch., vol. XXVII, p. building socialism in the USSR.",
        "The best sons of the party of Lenin-Stalin, comrades Molotov, Kirov, Voroshilov, "
        "Kalinin, Andreev, and others, sent by the end of the congress to the Leningrad party "
        "organization, completed the defeat of the \"new opposition\".",
        "By the end of this period - 1924 - 1925. — the world bourgeoisie has managed to improve "
        "its affairs.",
        "The capitalist path means development through the impoverishment of the majority of the "
        "peasantry in the name of enriching the upper strata of the urban and rural bourgeoisie.",
        "Comrade Stalin said in this connection:",
        "The victory of socialism along the lines of the New Economic Policy under the leadership "
        "of the Lenin-Stalin Party was assured.",
    ], ids=lambda sentence: sentence[:30])
    def test_known_sentence_is_whole(self, sample_text: str, sentence: str) -> None:
        """A known sentence of the sample comes out as exactly one span."""
        assert sentence in texts(sample_text, segment(sample_text))

    @settings(max_examples=100, deadline=None)
    @given(st.data())
    def test_contract_on_slices(self, sample_text: str, data: st.DataObject) -> None:
        """Any slice of the sample, cut mid-citation or mid-quotation, keeps the contract."""
        start = data.draw(st.integers(0, len(sample_text)))
        end = data.draw(st.integers(start, min(len(sample_text), start + 3000)))
        assert_contract(sample_text[start:end], segment(sample_text[start:end]))

    def test_crlf_copy_gives_same_sentences(self, sample_text: str) -> None:
        """The sample with CRLF endings yields the same sentences as with LF."""
        crlf_text = sample_text.replace("\n", "\r\n")
        assert texts(crlf_text, segment(crlf_text)) == texts(sample_text, segment(sample_text))

    def test_sentence_count_is_plausible(self, sample_text: str) -> None:
        """The sample splits into about as many sentences as it has sentence ends."""
        assert 220 <= len(segment(sample_text)) <= 260

    def test_no_sentence_starts_inside_a_citation(self, sample_text: str) -> None:
        """No sentence starts with a citation or a stray piece of one."""
        for sentence in texts(sample_text, segment(sample_text)):
            assert not sentence.startswith(("[", "]", "."))
            assert not sentence.startswith(("p. ", "vol. ", "ed. "))


class TestBaseSegmenterSafety:
    @pytest.mark.parametrize("line", ["[.IBI B\u00a0.", "[.IBI B\u2003.", "[.IBI B\u3000.",
                                      "A. B\u00e9. C\u00a0. D\u2009.", "x \U0001F600. \u4e2d."])
    def test_multibyte_characters_near_periods_do_not_crash(self, line: str) -> None:
        """Inputs that make the base segmenter panic on raw UTF-8 are segmented cleanly."""
        import subprocess
        import sys

        code = ("import sys; from annotate.segmentation import segment; "
                f"print(len(segment({line!r})))")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0 and result.stderr == ""
