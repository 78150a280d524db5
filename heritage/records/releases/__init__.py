"""
Releases of the public record (docs/releases.md): `tables.py` says what each table holds, `package.py` writes the
package, `making.py` numbers, stores and records a release, one at a time.
"""
