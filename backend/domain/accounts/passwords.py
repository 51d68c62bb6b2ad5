"""The password rule: at least 12 characters, and not easy to guess.

"Easy to guess" is zxcvbn's verdict (score below 3): it matches the password against its
maintained frequency lists (30,000 common passwords, names, English words), keyboard patterns,
repeats, sequences and dates, and against the user's own email and name.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from backend.lib.exceptions import UnprocessableError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
_MIN_SCORE = 3
# zxcvbn's cost grows with length; past this many characters only the prefix is scored.
_SCORED_CHARS = 100


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` is not acceptable, in words for the person choosing it, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be at most {MAX_PASSWORD_LENGTH} characters"
    words = [word for value in user_inputs for word in (value, *value.replace("@", " ").split()) if word]
    verdict = zxcvbn(password[:_SCORED_CHARS], user_inputs=words)
    if verdict["score"] >= _MIN_SCORE:
        return None
    warning = verdict["feedback"].get("warning") or "it is too common or too predictable"
    return f"Password is too easy to guess: {warning.rstrip('.')}. Use a longer phrase of unrelated words."


def check_password(password: str, *, field: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise a 422 naming ``field`` when ``password`` breaks the rule."""
    problem = password_problem(password, user_inputs)
    if problem is not None:
        raise UnprocessableError(problem, extra=[{"key": field, "message": problem, "source": "body"}])
