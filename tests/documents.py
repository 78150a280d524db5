"""Documents for the intake tests, made in memory: PDFs with and without a text layer, HTML pages, plain text."""

import zlib

LINES_PER_PAGE = 45


def pdf(*lines):
    """
    A PDF whose pages hold `lines` (45 a page) as text in Helvetica, a text layer pypdf reads back; without lines,
    one page that only draws a filled rectangle, as a scan's page holds an image and no text.
    """
    pages = [lines[start : start + LINES_PER_PAGE] for start in range(0, len(lines), LINES_PER_PAGE)] or [()]
    contents = []
    for page in pages:
        if page:
            commands = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
            for line in page:
                escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                commands.append(f"({escaped}) Tj T*")
            commands.append("ET")
        else:
            commands = ["0.5 g", "72 500 300 200 re f"]
        contents.append("\n".join(commands).encode("latin-1", "replace"))
    # Objects: 1 catalog, 2 page tree, 3 font, then for each page its page object and its content stream.
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for n, content in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * n} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return _written(objects)


def packed_pdf(pages, lines):
    """
    A PDF of a few kilobytes whose `pages` pages all draw one compressed content stream of `lines` lines of text: as
    slow to read, and as large unpacked, as a document of pages * lines lines.
    """
    content = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Hatra) Tj ET\n" * lines, 9)
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
    ] * pages
    return _written(objects)


def _written(objects):
    """A PDF file of `objects`, numbered from 1 in their order, the first its catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HATRA_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hatra - Encyclopaedia</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/random">Random article</a></nav>
<article>
<h1>Hatra</h1>
<p>Hatra was an ancient city in the Jazira, the capital of the first Arab kingdom.</p>
<p>In March 2015 the Islamic State group destroyed parts of the city with sledgehammers and assault rifles,
according to Iraq's Ministry of Tourism and Antiquities.</p>
<p>The city was recaptured by the Popular Mobilization Forces on 26 April 2017.</p>
</article>
<footer>Text is available under the Creative Commons licence.</footer>
</body></html>
"""

NIMRUD_TEXT = (
    "Nimrud, Iraq (Reuters) - Islamic State militants bulldozed the ancient Assyrian city of Nimrud, "
    "the Iraqi tourism and antiquities ministry said on Thursday.\r\n"
    'The ministry said the group "assaulted the historic city of Nimrud and bulldozed it with heavy military '
    'vehicles", without giving details.\r\n'
)
