"""
Full-text search of the record (`?search=` on every list of the API): what is indexed (documents.py), how text is
folded (text.py), the index and its upkeep (index.py, signals.py), and searching it (query.py, snippets.py).
"""
