"""The browser tests share one running product: no two test modules may sign up the same account."""

from __future__ import annotations

import re
from pathlib import Path

E2E = Path(__file__).resolve().parents[1] / "e2e"


def test_no_two_browser_test_modules_use_the_same_email() -> None:
    owners: dict[str, str] = {}
    clashes = []
    for path in sorted(E2E.glob("test_*.py")):
        for email in sorted(set(re.findall(r"[\w.+-]+@e2e\.test", path.read_text(encoding="utf-8")))):
            if email in owners:
                clashes.append(f"{email}: {owners[email]} and {path.name}")
            owners.setdefault(email, path.name)
    assert owners, "no browser test accounts found: the pattern no longer matches the tests"
    assert not clashes, f"accounts used by two modules (the second sign-up gets 409): {clashes}"
