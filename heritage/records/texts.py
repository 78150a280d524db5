"""
Source texts at intake: the words a source holds, taken from what a curator pastes or uploads, fixed once, and
compared with the quotes that cite them.

- `extract()` turns an uploaded document into its text: plain text must be UTF-8; HTML is reduced to its main text
  by trafilatura (the article, without menus and footers; the whole page's text when it finds no article); PDF
  text is read from its text layer by pypdf. A document that yields no text is refused, never stored empty. HTML and
  PDF are read in a process of their own, stopped past SOURCE_EXTRACT_SECONDS or READING_MEMORY of memory
  (`read_apart()`).
- `normalise()` is the one intake rule for every text and typed quote: line endings become `\\n` (a browser submits
  `\\r\\n`), and a leading byte-order mark goes. Nothing else is changed, so offsets into the text stay the
  offsets of the words as received.
- `closest_passage()` says, for a quote that does not occur, which passage of the text it comes closest to and how
  they differ (rapidfuzz finds the passage and the edits).

Why these libraries: trafilatura is the maintained extractor built for news and report pages (main text, boilerplate
removed), which is what curators save; pypdf is pure Python (no system packages on a fresh machine) and maintained;
rapidfuzz gives an alignment of a quote against the best-matching span of a long text, and the edit operations
between them, in C, so a 600-character quote against a long report answers in milliseconds.
"""

import contextlib
import functools
import hashlib
import importlib
import io
import multiprocessing
import re
import resource
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

# The media types intake accepts, by the names a file may end with.
PLAIN, HTML, PDF = "text/plain", "text/html", "application/pdf"
MEDIA_TYPES = {".txt": PLAIN, ".text": PLAIN, ".html": HTML, ".htm": HTML, ".pdf": PDF}


def max_original_bytes():
    """The largest document intake accepts (SOURCE_MAX_BYTES, 20 MB unless configured)."""
    return settings.SOURCE_MAX_BYTES


def too_large(size, says="The file is {size}"):
    """
    The refusal of something of `size` bytes larger than intake accepts ("The file is 30.0 MB; at most 20.0 MB is
    accepted.", `says` naming what it is), or None if it fits.
    """
    limit = max_original_bytes()
    if size <= limit:
        return None
    return f"{says.format(size=filesizeformat(size))}; at most {filesizeformat(limit)} is accepted."


def normalise(text):
    """
    The text with line endings as `\\n` and no leading byte-order mark: the one change made at intake. A text with
    nothing to change is returned itself (the same object).
    """
    text = text.removeprefix("\ufeff")
    if "\r" not in text:
        # Most texts: one scan for a carriage return costs a tenth of the two replacements' (a file of 279 MB: 0.05 s
        # against 0.5 s).
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Characters a text is encoded in at a time, for its checksum and its size: a long text is never copied whole.
ENCODED_AT_ONCE = 1 << 20


def utf8_pieces(text, errors="strict"):
    """`text`'s UTF-8 encoding, a piece at a time (the pieces joined are `text.encode("utf-8", errors)`)."""
    for start in range(0, len(text), ENCODED_AT_ONCE):
        yield text[start : start + ENCODED_AT_ONCE].encode("utf-8", errors)


def fingerprint(data):
    """(SHA-256 in hex, size in bytes) of bytes, or of a text's UTF-8 encoding (encoded a piece at a time)."""
    if isinstance(data, str):
        digest, size = hashlib.sha256(), 0
        for piece in utf8_pieces(data):
            digest.update(piece)
            size += len(piece)
        return digest.hexdigest(), size
    return hashlib.sha256(data).hexdigest(), len(data)


def sha256(data):
    """SHA-256, hex, of bytes or of a text's UTF-8 encoding."""
    return fingerprint(data)[0]


def check_text(text, field="text", size=None):
    """
    Refuse (on `field`) a text that cannot be a source's: empty, only whitespace, holding a NUL, or larger than
    intake accepts. `size`: its UTF-8 size in bytes, when the caller knows it (else the text is encoded to count).
    """
    if not text or text.isspace():
        raise ValidationError({field: "The text is empty (or only whitespace): a source must hold the words it says."})
    if "\x00" in text:
        raise ValidationError({field: "The text holds a NUL character, which no document's words contain."})
    if size is None:
        size = len(text) if text.isascii() else sum(map(len, utf8_pieces(text, "surrogatepass")))
    if problem := too_large(size, "The text is {size} of UTF-8"):
        raise ValidationError({field: problem})


@dataclass(frozen=True, repr=False)
class Extracted:
    """What intake took from an uploaded document: its text (normalised), and the document's own fingerprint."""

    text: str
    media_type: str
    size: int
    sha256: str
    name: str
    data: bytes


def media_type_of(name, declared=None):
    """
    The media type intake treats a file as: by its name's ending (.txt, .html, .pdf...), or, for a name without
    one, as the upload declared it; None when intake does not read it (a .docx is refused whatever it claims).
    """
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix:
        return MEDIA_TYPES.get(suffix)
    declared = (declared or "").split(";")[0].strip().lower()
    return declared if declared in MEDIA_TYPES.values() else None


def extract(data, *, name, declared_type=None, field="file"):
    """
    The text of an uploaded document (`data`, bytes) as an `Extracted`, or ValidationError on `field` saying why
    there is none: too large, a media type intake does not read, not UTF-8, a PDF without a text layer, a document
    that yields no words.
    """
    if problem := too_large(len(data)):
        raise ValidationError({field: problem})
    if not data:
        raise ValidationError({field: "The file is empty."})
    media_type = media_type_of(name, declared_type)
    if media_type is None:
        raise ValidationError(
            {field: f"{name!r} is not a document intake reads: upload plain text (.txt, UTF-8), HTML or PDF."}
        )
    text = normalise(_plain_text(data, field) if media_type == PLAIN else read_apart(media_type, data, field))
    try:
        check_text(text, field)
    except ValidationError:
        what = {PDF: "This PDF has no text layer (a scanned image?)", HTML: "This page holds no text"}.get(
            media_type, "This file holds no text"
        )
        raise ValidationError({field: f"{what}: nothing to cite. Paste the text instead."}) from None
    return Extracted(text=text, media_type=media_type, size=len(data), sha256=sha256(data), name=name, data=data)


def _plain_text(data, field):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {
                field: f"The file is not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}). "
                "Save it as UTF-8, or paste the text."
            }
        ) from None


def _html_text(data, field):
    import trafilatura  # imported on use: lxml and its helpers load in about 0.3 s

    text = trafilatura.extract(data, favor_recall=True, include_comments=False, include_tables=True)
    return text or trafilatura.html2txt(data) or ""


def _pdf_text(data, field):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-"):
        raise ValidationError({field: "The file is named as a PDF but is not one (it does not start with %PDF-)."})
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError({field: "The PDF is encrypted: its text cannot be read. Paste the text instead."})
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise ValidationError({field: f"The PDF cannot be read ({exc.__class__.__name__}: {exc})."}) from None


# --- Reading a document apart -----------------------------------------------------------------------------------

# Each media type's reader, the library it reads with, and what the document is called in a refusal.
READERS = {HTML: ("_html_text", "trafilatura", "page"), PDF: ("_pdf_text", "pypdf", "PDF")}
# Memory a document's reading may take beyond what the process had when it began: a PDF of a few megabytes can hold
# streams that unpack to gigabytes (pypdf keeps each one it has unpacked).
READING_MEMORY = 2 * 1024**3


def read_apart(media_type, data, field):
    """
    The text of an HTML or PDF document, read in a forked process of its own, which is stopped after
    SOURCE_EXTRACT_SECONDS or when it asks for READING_MEMORY more memory: a PDF of 35 KB can hold a hundred pages
    that take pypdf minutes each to read, and a request has only so long (gunicorn's timeout is 30 s, and a worker
    stopped by it answers nothing). ValidationError on `field` for a document it refuses, stopped or not.
    """
    seconds, (reader, _, kind) = settings.SOURCE_EXTRACT_SECONDS, READERS[media_type]
    _prepare(media_type)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_read_in_child, args=(reader, data, field, seconds, sending))
    process.start()
    sending.close()
    try:
        outcome = receiving.recv() if receiving.poll(seconds) else None
    except EOFError:  # stopped by a limit of its own
        outcome = None
    finally:
        receiving.close()
        process.kill()
        process.join()
    if outcome is None or outcome[0] == "memory":
        took = "more memory than" if outcome else f"longer than the {seconds} second{'s' * (seconds != 1)}"
        raise ValidationError({field: f"Reading this {kind} took {took} a document may take: paste its text instead."})
    if outcome[0] == "refused":
        raise ValidationError(outcome[1])
    if outcome[0] == "failed":
        raise ValidationError({field: f"The {kind} cannot be read ({outcome[1]})."})
    return outcome[1]


@functools.cache
def _prepare(media_type):
    """
    Once a process, before its first child: the reader's library imported, and for HTML a page read, which loads what
    trafilatura reads with (0.3 s) here rather than in each child.
    """
    importlib.import_module(READERS[media_type][1])
    if media_type == HTML:
        _html_text(b"<html><body><article><p>A page.</p></article></body></html>", None)


def _read_in_child(reader, data, field, seconds, sending):
    # Its CPU time limited too: a child whose parent was stopped meanwhile (by gunicorn) stops itself.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    with contextlib.suppress(OSError):  # Linux's count of the memory mapped; elsewhere no limit on it
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + READING_MEMORY, mapped + READING_MEMORY))
    try:
        outcome = ("text", globals()[reader](data, field))
    except ValidationError as exc:
        outcome = ("refused", exc.message_dict)
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # noqa: BLE001  (a reader's library failing on a strange document: a refusal, not a 500)
        outcome = ("failed", f"{exc.__class__.__name__}: {exc}"[:300])
    sending.send(outcome)


# --- Quotes that do not occur -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosestPassage:
    start: int
    end: int
    passage: str
    similarity: float
    differences: list[str]

    def describe(self):
        shown = self.passage if len(self.passage) <= 200 else f"{self.passage[:197]}..."
        head = f"The closest passage ({self.similarity:.0f}% alike, characters {self.start}..{self.end}) is “{shown}”"
        if self.differences:
            return f"{head}; it differs: {'; '.join(self.differences[:5])}."
        return f"{head}."


TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def _visible(text):
    """A difference as a curator can read it: whitespace named (“a line break”), other text as it is."""
    if text.isspace():
        names = {" ": "a space", "\n": "a line break", "\t": "a tab", "\u00a0": "a no-break space"}
        if len(set(text)) == 1 and text[0] in names:
            name = names[text[0]]
            return name if len(text) == 1 else f"{len(text)} × {name.removeprefix('a ')}"
        return repr(text)
    return f"“{text}”"


def closest_passage(text, quote):
    """The passage of `text` most like `quote`, and how the two differ (None when nothing is alike at all)."""
    if not text or not quote:
        return None
    alignment = fuzz.partial_ratio_alignment(quote, text)
    if alignment is None or alignment.score == 0:
        return None
    start, end = _fit_to_words(text, quote, alignment.dest_start, alignment.dest_end)
    passage = text[start:end]
    # Compared token by token (words, runs of spaces, single marks), so that a difference reads as the words or
    # marks that differ: typed “'” where the text has “’”, typed “never” where the text has “largely”.
    typed_tokens, text_tokens = TOKENS.findall(quote), TOKENS.findall(passage)
    differences = []
    for tag, q_start, q_end, p_start, p_end in Levenshtein.opcodes(typed_tokens, text_tokens):
        if tag == "equal":
            continue
        typed, actual = "".join(typed_tokens[q_start:q_end]), "".join(text_tokens[p_start:p_end])
        if tag == "replace":
            differences.append(f"typed {_visible(typed)} where the text has {_visible(actual)}")
        elif tag == "delete":
            differences.append(f"typed {_visible(typed)}, which the text does not have")
        else:
            differences.append(f"the text also has {_visible(actual)}")
    similarity = fuzz.ratio(quote, passage)
    return ClosestPassage(start, end, passage, similarity, differences)


def _fit_to_words(text, quote, start, end):
    """
    The aligned window moved to the ends nearest it that make it most like the quote: partial_ratio_alignment's
    window is as long as the quote, so a quote that drops or adds words starts or stops mid-word. Only nearby
    word boundaries are tried, a few dozen Levenshtein distances (computed in C).
    """
    reach = min(40, len(quote) // 3 + 3)

    def boundaries(low, high):
        low, high = max(0, low), min(len(text), high)
        # Anywhere but inside a word.
        return [
            i for i in range(low, high + 1) if i in (0, len(text)) or not (text[i - 1].isalnum() and text[i].isalnum())
        ]

    starts = boundaries(start - reach, start + reach) or [start]
    ends = boundaries(end - reach, end + reach) or [end]
    best = (Levenshtein.distance(quote, text[start:end]), start, end)
    for s in starts:
        for e in ends:
            if e > s:
                best = min(best, (Levenshtein.distance(quote, text[s:e]), s, e))
    return best[1], best[2]
