"""Run statistics: documents in and out, rejects by reason, removals by category."""

from __future__ import annotations

from collections import Counter

import attrs

from newsclean.model import Article


@attrs.define
class RunStats:
    """Counts a run's articles as they stream past. ``documents_in == kept + rejected``."""

    documents_in: int = 0
    kept: int = 0
    rejected: Counter[str] = attrs.field(factory=Counter)
    removed: Counter[str] = attrs.field(factory=Counter)
    skipped_files: int = 0

    def add(self, article: Article) -> None:
        self.documents_in += 1
        if article.drop is None:
            self.kept += 1
            self.removed.update(r.category.value for r in article.removed)
        else:
            self.rejected[article.drop.reason] += 1

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def balance_line(self) -> str:
        """The one closing line: in = out + rejected."""
        return f"newsclean: {self.documents_in} in = {self.kept} out + {self.rejected_total} rejected"

    def summary(self) -> str:
        """A one-screen summary of the run."""
        lines = [f"documents in: {self.documents_in}", f"documents out: {self.kept}", f"rejected: {self.rejected_total}"]
        lines += [f"  {reason}: {n}" for reason, n in sorted(self.rejected.items())]
        lines.append(f"lines removed: {sum(self.removed.values())}")
        lines += [f"  {category}: {n}" for category, n in sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0]))]
        if self.skipped_files:
            lines.append(f"files skipped in folders (extension not read): {self.skipped_files}")
        lines.append(self.balance_line())
        return "\n".join(lines)
