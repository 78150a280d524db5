"""The questions management commands ask whoever runs them, at a terminal."""

from django.core.management.base import CommandError


def ask(question, *, without_asking):
    """
    The answer typed to `question`. Where nobody can answer (standard input closed or at its end, as under cron or
    with `< /dev/null`), the command stops with an error saying how to run it without asking (`without_asking`)
    rather than Python's EOFError.
    """
    try:
        return input(question)
    except EOFError:
        raise CommandError(f"Nobody answered: standard input is closed. {without_asking}") from None
