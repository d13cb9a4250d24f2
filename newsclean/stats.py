"""Run statistics: documents in and out, rejects by reason, removals by category."""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import attrs

from newsclean.model import Article
from newsclean.rulepack import available_languages


# Skipped files named in the summary; the stats file names more.
SUMMARY_NAMES = 5
# Reject reasons whose detail says what to do instead: the first is shown in the summary.
ADVISED_REASONS = ("not_articles", "html_as_text")


@attrs.define
class RunStats:
    """Counts a run's articles as they stream past. ``documents_in == kept + rejected``."""

    documents_in: int = 0
    kept: int = 0
    rejected: Counter[str] = attrs.field(factory=Counter)
    removed: Counter[str] = attrs.field(factory=Counter)
    removed_by_rule: Counter[str] = attrs.field(factory=Counter)
    skipped_files: int = 0
    # The first of them (readers.SKIPPED_NAMES_KEPT), as {"path": ..., "reason": ...}.
    skipped_file_names: list[dict[str, str]] = attrs.field(factory=list)
    # WARC records that are not HTML pages (requests, metadata, PDFs...), by reason.
    skipped_records: dict[str, int] = attrs.field(factory=dict)
    # Documents whose id an earlier one had, renamed (readers.ReadReport.renamed_ids).
    renamed_ids: int = 0
    renamed_id_names: list[dict[str, str]] = attrs.field(factory=list)
    # The first detail of each reason whose detail is advice (what to do instead).
    advice: dict[str, str] = attrs.field(factory=dict)
    # Kept articles in a language newsclean has no rule pack for, by language: only the common
    # and English rules cleaned them (a warning, so that the gap is not silent). Read from the
    # article's ``language``, which the output keeps, so a resumed run counts the same.
    no_rule_pack: Counter[str] = attrs.field(factory=Counter)

    def add(self, article: Article) -> None:
        self.documents_in += 1
        if article.drop is None:
            self.kept += 1
            self.removed.update(r.category.value for r in article.removed)
            self.removed_by_rule.update(r.rule for r in article.removed)
            if article.language and article.language not in _rule_pack_languages():
                self.no_rule_pack[article.language] += 1
        else:
            self._reject(article.drop.reason, f"{article.id}: {article.drop.detail}")

    def add_reject(self, record: dict[str, Any]) -> None:
        """Count a line of a rejects file (a resumed run counts what it wrote before)."""
        self.documents_in += 1
        self._reject(record["reason"], f"{record.get('id')}: {record.get('detail')}")

    def _reject(self, reason: str, detail: str) -> None:
        self.rejected[reason] += 1
        if reason in ADVISED_REASONS and reason not in self.advice:
            self.advice[reason] = detail

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def balance_line(self) -> str:
        """The one closing line: in = out + rejected."""
        return f"newsclean: {self.documents_in} in = {self.kept} out + {self.rejected_total} rejected"

    def to_dict(self, **context: Any) -> dict[str, Any]:
        """The stats as a JSON-ready dict; ``context`` (options, versions) is added as given."""
        return {
            "documents_in": self.documents_in,
            "documents_out": self.kept,
            "rejected": self.rejected_total,
            "balanced": self.documents_in == self.kept + self.rejected_total,
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "removed_by_category": dict(sorted(self.removed.items())),
            "removed_by_rule": dict(sorted(self.removed_by_rule.items())),
            "kept_without_rule_pack": dict(sorted(self.no_rule_pack.items())),
            "files_skipped": self.skipped_files,
            "files_skipped_named": self.skipped_file_names,
            "records_skipped": dict(sorted(self.skipped_records.items())),
            "ids_renamed": self.renamed_ids,
            "ids_renamed_named": self.renamed_id_names,
            **context,
        }

    def summary(self) -> str:
        """A one-screen summary of the run."""
        lines = [f"documents in: {self.documents_in}", f"documents out: {self.kept}", f"rejected: {self.rejected_total}"]
        for reason, n in sorted(self.rejected.items()):
            lines.append(f"  {reason}: {n}")
            if reason in self.advice:
                lines.append(f"    e.g. {self.advice[reason]}")
        lines.append(f"lines removed: {sum(self.removed.values())}")
        lines += [f"  {category}: {n}" for category, n in sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0]))]
        if self.no_rule_pack:
            lines.append(f"warning: kept in a language with no rule pack (common and English rules only): {sum(self.no_rule_pack.values())}")
            lines += [f"  {language}: {n}" for language, n in sorted(self.no_rule_pack.items(), key=lambda kv: (-kv[1], kv[0]))]
        if self.skipped_files:
            lines.append(f"files skipped in folders: {self.skipped_files}")
            lines += [f"  {f['path']} ({f['reason']})" for f in self.skipped_file_names[:SUMMARY_NAMES]]
            if self.skipped_files > SUMMARY_NAMES:
                lines.append(f"  ... and {self.skipped_files - SUMMARY_NAMES} more (named in the stats file)")
        if self.renamed_ids:
            lines.append(f"documents renamed (their id was taken): {self.renamed_ids}")
            lines += [f"  {r['id']} -> {r['renamed']}" for r in self.renamed_id_names[:SUMMARY_NAMES]]
        if self.skipped_records:
            lines.append(f"WARC records skipped (not HTML pages): {sum(self.skipped_records.values())}")
            lines += [f"  {reason}: {n}" for reason, n in sorted(self.skipped_records.items())]
        lines.append(self.balance_line())
        return "\n".join(lines)


@functools.cache
def _rule_pack_languages() -> frozenset[str]:
    return frozenset(available_languages())
