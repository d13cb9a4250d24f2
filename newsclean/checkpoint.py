"""Checkpoints of a CLI run, so that ``--resume`` continues an interrupted one.

Every ``EVERY`` documents the run flushes its output and rejects files and records, in
``OUT.partial.checkpoint``, how many input documents are done and how many bytes of each file
hold them. Each input document gives exactly one line, in input order, in one of the two
files, so those byte counts cut both files at the same document. ``--resume`` truncates the
files there and goes on from the next document; a line written after the last checkpoint is
written again, never twice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from newsclean.errors import ConfigError
from newsclean.writers import partial_path

EVERY = 500
# Options that do not change what a run writes, so a resumed run may change them.
FREE_OPTIONS = ("command", "resume", "jobs", "quiet", "engine", "workers", "scheduler", "report", "max_reject_rate")


def checkpoint_path(output: str) -> Path:
    return Path(str(partial_path(output)) + ".checkpoint")


@attrs.frozen(kw_only=True)
class Checkpoint:
    documents_done: int
    output_bytes: int
    rejects_bytes: int
    options: dict[str, Any]

    def save(self, output: str) -> None:
        target = checkpoint_path(output)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(json.dumps(attrs.asdict(self), sort_keys=True), encoding="utf-8")
        temporary.replace(target)

    @classmethod
    def load(cls, output: str) -> Checkpoint:
        target = checkpoint_path(output)
        if not target.exists():
            raise ConfigError(f"nothing to resume: {target} does not exist (the run finished, or never checkpointed)")
        try:
            return cls(**json.loads(target.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"cannot resume: {target} is damaged ({exc})") from exc


def run_options(options: dict[str, Any]) -> dict[str, Any]:
    """The options that must be the same for a run and its resumption."""
    return {k: v for k, v in sorted(options.items()) if k not in FREE_OPTIONS}


def read_lines(path: Path, size: int) -> list[dict[str, Any]]:
    """The JSON lines in the first ``size`` bytes of ``path``."""
    with path.open("rb") as handle:
        data = handle.read(size)
    return [json.loads(line) for line in data.splitlines() if line.strip()]
