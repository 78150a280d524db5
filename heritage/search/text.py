"""
How text is folded for searching, on every database: the indexed text and the query go through `fold()` and
`words()` here, in Python, so that SQLite's FTS5 and PostgreSQL's text search see the same words.

Folding follows the usual normalisation for searching Arabic (Lucene's ArabicNormalizer, with hamza carriers
folded too): a hamza or madda on its carrier is dropped (أ إ آ and the wasla alef ٱ are a bare alef, ؤ is و, ئ is ي;
a hamza on its own, ء, stays); alef maksura is read as ya (ى is ي), ta marbuta as ha (ة is ه); the short vowels and
other marks (harakat: fatha, kasra, damma, tanwin, shadda, sukun, the dagger alef) and the tatweel are dropped;
presentation forms become their letters (ﻻ is لا). Latin and other scripts lose their accents the same way (é is e),
and case is folded (casefold(): ß is ss). The Persian keheh and ya are read as their Arabic letters.
"""

import functools
import re
import unicodedata

ARABIC_LETTERS = str.maketrans(
    {
        "\u0622": "\u0627",  # آ alef with madda above
        "\u0623": "\u0627",  # أ alef with hamza above
        "\u0625": "\u0627",  # إ alef with hamza below
        "\u0671": "\u0627",  # ٱ alef wasla
        "\u0649": "\u064a",  # ى alef maksura -> ي ya
        "\u06cc": "\u064a",  # ی Persian ya
        "\u06a9": "\u0643",  # ک Persian keheh -> ك kaf
        "\u0629": "\u0647",  # ة ta marbuta -> ه ha
        "\u0640": None,  # ـ tatweel
    }
)
# A word: letters and digits (\w without the underscore, which FTS5 and PostgreSQL treat as a separator).
WORD = re.compile(r"[^\W_]+")


class CharacterTable(dict):
    """
    A `str.translate` table filled as characters are met: `replace(char)` gives a character's replacement (its code
    point, another, or None to delete it), computed once. Translating is then a pass in C rather than a Python loop
    over the characters, and no table of all of Unicode is built.
    """

    def __init__(self, replace):
        super().__init__()
        self.replace = replace

    def __missing__(self, code):
        self[code] = self.replace(chr(code))
        return self[code]


# Every combining mark (what NFKD splits from its letter) is deleted; any other character stays.
MARKS = CharacterTable(lambda char: None if unicodedata.combining(char) else ord(char))


def fold(text):
    """`text` as the index holds it: marks stripped, letter variants unified, case folded."""
    if text.isascii():
        # Nothing to decompose, strip or translate: the same result, without walking the characters in Python.
        return text.casefold()
    # NFKD splits a letter from its marks (é -> e + U+0301, أ -> ا + hamza above), which are then dropped; the
    # translation catches the letters NFKD leaves whole (ٱ, ى, ة) and the tatweel, and NFC puts back what remains.
    decomposed = unicodedata.normalize("NFKD", text.translate(ARABIC_LETTERS))
    stripped = decomposed.translate(MARKS)
    return unicodedata.normalize("NFC", stripped.translate(ARABIC_LETTERS)).casefold()


def words(text):
    """The words of `text` after folding, in order."""
    return WORD.findall(fold(text))


def document(texts):
    """The indexed form of several texts: their words, separated by single spaces."""
    return " ".join(filter(None, (indexed(text) for text in texts if text)))


def indexed(text):
    """One text's words, separated by single spaces."""
    return remembered(text) if len(text) <= REMEMBERED else " ".join(words(text))


# The longest text whose words are remembered: a quote (600 characters at most), a generated description, a name.
REMEMBERED = 1000


@functools.lru_cache(maxsize=4096)
def remembered(text):
    """indexed(), remembered for short texts (a few megabytes at most): the quote a batch's records cite, or a
    description its importer writes for each, is indexed with each of them."""
    return " ".join(words(text))
