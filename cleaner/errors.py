"""One error type for every mistake a user can make: it prints as one line."""
from __future__ import annotations


class CleanerError(Exception):
    """A user's mistake (bad input, bad pack, bad option): one line, exit code 2.

    The message names where the problem is: ``file:line: rule ID: key KEY: what``.
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 rule: str | None = None, key: str | None = None) -> None:
        self.file, self.line, self.rule, self.key = file, line, rule, key
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        if self.rule:
            where += f"rule {self.rule}: "
        if self.key:
            where += f"key '{self.key}': "
        return where + self.detail
