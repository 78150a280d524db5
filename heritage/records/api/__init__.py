"""
The researchers' API, mounted at /api/v1/ (urls.py): one module per topic, as models/ and admin/ are (sites,
periods, actors, conflict, damage, sources), each holding that topic's filters, serializers and viewsets. What they
share (fields, filters, serializers, viewsets, pagination, renderers, parsers, throttles, ETags, batches, errors,
the schema) is in common/; what exists only for speed, fenced behind one setting, in fast/.
"""
