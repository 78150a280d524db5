"""Importers of the field's own formats (EAMENA heritage places, Pleiades places) into the record."""
