"""
An EAMENA export read as a stream: checked once through, then cut into parts, each a run of whole features that one
source can hold, handed over one at a time as the import reaches their features.

A source holds at most SOURCE_MAX_BYTES of text (20 MB unless configured), and a database value could not hold a
whole export of EAMENA's size anyway (PostgreSQL's limit for one value is 1 GB). So an export larger than one source
becomes several, parts of one file: each holds its features' words as the file gives them (line endings normalised,
as every source's) and names the same original, the whole file, by its checksum. The import holds the parts its
current batch of places cites, never the whole file: its memory does not grow with the file.

A cut falls between two features, after `}` `,` where the next array element `{` begins and after at least one
EAMENA ID: in an export's features array, the only place one object follows another (but inside a
GeometryCollection's list, or written inside a string). Passages are found within a part, so a cut elsewhere would
still give exact quotes, only shorter ones.
"""

import codecs
import hashlib
import re
from dataclasses import dataclass

from ..texts import normalise
from .eamena_passages import FeaturePassages
from .json_scan import Scan

# Bytes read from the file at a time.
READ_AT_ONCE = 1 << 20
BOUNDARY = re.compile(rb"\}\s*,\s*(?=\{)")
ID_KEY = re.compile(rb'"EAMENA ID"\s*:')
# The end of a file kept while checking it, for its top-level "type" written last (eamena.collection_type).
TAIL = 1024


class Cursor:
    """
    A reader of `file` at a position of its own, so that two can read one file object in turns (the features'
    parser and the parts' reader). From the start, or (`json`) after a leading byte-order mark, which JSON parsers
    refuse; to the end, or to the byte before `end`.
    """

    def __init__(self, file, json=False, end=None):
        self.file, self.position, self.end = file, 0, end
        if json:
            file.seek(0)
            self.position = len(codecs.BOM_UTF8) if file.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0

    def read(self, size=-1):
        if self.end is not None:
            left = max(0, self.end - self.position)
            size = left if size is None or size < 0 else min(size, left)
        self.file.seek(self.position)
        data = self.file.read(size)
        self.position += len(data)
        return data


@dataclass
class FileCheck:
    """What reading a file once through tells: its checksum and size, and where its text is not acceptable."""

    sha256: str = ""
    size: int = 0
    head: str = ""  # its first characters and its last, decoded and normalised (for its "type")
    tail: str = ""
    invalid_byte: int | None = None  # where it stops being UTF-8
    has_nul: bool = False
    too_deep: int | None = None  # where it nests past json_scan.MAX_DEPTH
    lone_surrogate: int | None = None  # where it escapes half a UTF-16 pair alone


def check_file(file):
    """Read `file` (binary, at its start) once through: a `FileCheck`."""
    check, digest, scan = FileCheck(), hashlib.sha256(), Scan()
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    while data := file.read(READ_AT_ONCE):
        digest.update(data)
        if check.invalid_byte is None:
            try:
                text = decoder.decode(data)
            except UnicodeDecodeError as exc:
                held = len(decoder.getstate()[0])
                check.invalid_byte = check.size - held + exc.start
            else:
                if not check.head:
                    check.head = normalise(text[:TAIL])
        check.has_nul = check.has_nul or b"\x00" in data
        scan.feed(data)
        check.size += len(data)
        tail = (tail + data)[-TAIL:]
    if check.invalid_byte is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            check.invalid_byte = check.size - len(decoder.getstate()[0])
    scan.close()
    check.too_deep, check.lone_surrogate = scan.too_deep, scan.lone_surrogate
    check.tail = normalise(tail.decode("utf-8", "ignore"))
    check.sha256 = digest.hexdigest()
    return check


def normalised(file):
    """The file's bytes, a piece at a time, as the UTF-8 of its normalised text (texts.normalise: `\\n` line
    endings, no leading byte-order mark): a carriage return at a piece's end waits for the next piece."""
    started, carriage_return = False, False
    while data := file.read(READ_AT_ONCE):
        if not started:
            data, started = data.removeprefix(codecs.BOM_UTF8), True
        if carriage_return:
            data = b"\r" + data
        carriage_return = data.endswith(b"\r")
        if carriage_return:
            data = data[:-1]
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        yield data
    if carriage_return:
        yield b"\n"


@dataclass
class Part:
    """
    One part of a file: its text (from the file's feature `first` on), that text's UTF-8, its number (1 on), and
    whether it is the whole file. `passages` finds its features' words; `source` is set once it is held.
    """

    number: int
    first: int
    text: str
    utf8: bytes
    whole: bool
    source: object = None

    def __post_init__(self):
        self.passages = FeaturePassages(self.text)

    @property
    def features(self):
        return len(self.passages.spans)

    @property
    def end(self):
        """The index of the first feature after this part's."""
        return self.first + self.features


def parts(file, limit):
    """
    The parts of `file` (binary, at its start), in order: each at most `limit` bytes of UTF-8 unless one feature
    alone is larger (the source then refuses it, by its size).
    """
    buffer, number, first, pieces, ended = bytearray(), 1, 0, normalised(file), False
    while buffer or not ended:
        while (cut := part_end(buffer, limit, ended)) is None:
            piece = next(pieces, None)
            ended = piece is None
            buffer += piece or b""
        utf8 = bytes(buffer[:cut])
        del buffer[:cut]
        if not utf8:
            return
        part = Part(number, first, utf8.decode("utf-8"), utf8, whole=number == 1 and ended and not buffer)
        yield part
        number, first = number + 1, first + part.features


def part_end(buffer, limit, ended):
    """Where the part at the start of `buffer` ends (see cut_in), the buffer's end once the file has ended; None
    while more must be read."""
    if len(buffer) > limit and (cut := cut_in(buffer, limit)) is not None:
        return cut
    return len(buffer) if ended else None


def cut_in(buffer, limit):
    """
    Where the part at the start of `buffer` ends: after its last boundary between features within `limit` bytes,
    else (a feature larger than a part) after the first beyond; None if the buffer holds neither yet. A part holds
    at least one feature's EAMENA ID.
    """
    found = ID_KEY.search(buffer)
    if found is None:
        return None
    cut = None
    for match in BOUNDARY.finditer(buffer, found.end(), limit):
        cut = match.end()
    if cut is None:
        match = BOUNDARY.search(buffer, max(limit, found.end()))
        cut = match and match.end()
    return cut


class FileParts:
    """
    The passages of a file's features, by the feature's index in the file, read a part at a time as the import
    reaches them: each new part is given to `hold` (which gives it its source) first. A passage is (the part's
    source, quote, start in that source's text).
    """

    def __init__(self, parts, hold):
        self.parts, self.hold = parts, hold
        self.held = []  # the parts read and not released, in order
        self.ended = False

    def part(self, index):
        """The part holding feature `index`, or None past the file's last."""
        while not self.ended and (not self.held or index >= self.held[-1].end):
            part = next(self.parts, None)
            if part is None:
                self.ended = True
            else:
                self.hold(part)
                self.held.append(part)
        for part in reversed(self.held):
            if part.first <= index < part.end:
                return part
        return None

    def release(self, before):
        """Let go of the parts whose features all come before feature `before` (written)."""
        while self.held and self.held[0].end <= before:
            self.held.pop(0)

    def check(self, index, eamena_id):
        """Whether feature `index`'s EAMENA ID is the n-th written in the text (so its passages can be found)."""
        part = self.part(index)
        return part is not None and part.passages.check(index - part.first, eamena_id)

    def id_line(self, index):
        return self.passage(index, "id_line")

    def through(self, index, keys, anchor="id"):
        return self.passage(index, "through", keys, anchor=anchor)

    def geometry(self, index):
        return self.passage(index, "geometry")

    def passage(self, index, kind, *args, **kwargs):
        part = self.part(index)
        quote, start = getattr(part.passages, kind)(index - part.first, *args, **kwargs)
        return part.source, quote, start
