"""Checkpoints of a run, so that ``--resume`` continues an interrupted one.

Every ``EVERY`` documents, or ``SECONDS`` seconds, the run flushes its output and rejects files (``phase`` ``write``),
or with corpus stages its spill file (``documents``; ``corpus`` once the document pass is
complete), and records, in ``OUT.partial.checkpoint``, how many input documents are done and
how many bytes of each file hold them. Each input document gives exactly one line, in input order, in one of the two
files, so those byte counts cut both files at the same document. ``--resume`` truncates the
files there and goes on from the next document; a line written after the last checkpoint is
written again, never twice.

A checkpoint names its run: a run id, the digest of the last block before each cut (so that a
``.partial`` file another run has rewritten is not taken for this run's) and a digest of the
inputs' paths, sizes and modification times, and the run's identity (``RunConfig.identity``:
every stage's settings, the reader settings, rule-pack digests, library versions).
``--resume`` refuses when any of it differs, naming the settings that differ.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from newsclean.config import differences
from newsclean.errors import ConfigError
from newsclean.writers import partial_path

# The bytes before a cut whose digest a checkpoint keeps.
TAIL_BYTES = 65536

log = logging.getLogger(__name__)
EVERY = 500
# ... or when this many seconds have passed since the last one, whichever comes first: a run
# of slow documents can be resumed too.
SECONDS = 30.0


def checkpoint_path(output: str) -> Path:
    return Path(str(partial_path(output)) + ".checkpoint")


@attrs.frozen(kw_only=True)
class Checkpoint:
    run_id: str
    documents_done: int
    output_bytes: int
    rejects_bytes: int
    output_tail: str
    rejects_tail: str
    inputs: dict[str, Any]
    # The run's identity (``RunConfig.identity``): what a resumed run must share.
    options: dict[str, Any]
    # What the files hold: ``write`` (output and rejects), ``documents`` (the spill file, the
    # document pass under way), ``corpus`` (the spill file, the document pass complete).
    phase: str = "write"

    def save(self, output: str) -> None:
        """Write the checkpoint durably (the files it describes must be synced first)."""
        target = checkpoint_path(output)
        temporary = target.with_name(target.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps(attrs.asdict(self), sort_keys=True))
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
        log.info("checkpoint: %d documents done (%s)", self.documents_done, self.phase)

    def check_run(self, identity: dict[str, Any], manifest: dict[str, Any]) -> None:
        """ConfigError unless the run to resume has this identity (``RunConfig.identity``)
        and these inputs; it names each setting that differs."""
        if self.options != identity:
            changed = differences(self.options, identity)
            raise ConfigError(
                f"cannot resume run {self.run_id} with other settings than it had: {'; '.join(changed)}; "
                "run with the same settings, or again without resume"
            )
        if self.inputs != manifest:
            raise ConfigError(
                f"cannot resume run {self.run_id}: the inputs changed since it was interrupted "
                f"({self.inputs.get('files')} files then, {manifest.get('files')} now, or their sizes or times differ); "
                "run again without --resume"
            )

    def check_spill(self, spill: Path) -> int:
        """The spill file's size at the checkpoint; ConfigError unless it still holds it."""
        if self.phase not in ("documents", "corpus"):
            raise ConfigError(f"cannot resume run {self.run_id}: it was checkpointed without corpus stages; run again without --resume")
        _check_file(self.run_id, spill, self.output_bytes, self.output_tail)
        return self.output_bytes

    def check_files(self, output: str, rejects: str) -> None:
        """ConfigError unless both ``.partial`` files still hold what this checkpoint saw."""
        if self.phase != "write":
            raise ConfigError(f"cannot resume run {self.run_id}: it was checkpointed with corpus stages; run again without --resume")
        for path, size, tail in ((output, self.output_bytes, self.output_tail), (rejects, self.rejects_bytes, self.rejects_tail)):
            _check_file(self.run_id, partial_path(path), size, tail)

    @classmethod
    def load(cls, output: str) -> Checkpoint:
        target = checkpoint_path(output)
        if not target.exists():
            raise ConfigError(f"nothing to resume: {target} does not exist (the run finished, or never checkpointed)")
        try:
            return cls(**json.loads(target.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"cannot resume: {target} is damaged ({exc})") from exc


def _check_file(run_id: str, target: Path, size: int, tail: str) -> None:
    problem = None
    try:
        info = os.stat(target, follow_symlinks=False)
    except FileNotFoundError:
        problem = "is missing"
    else:
        if not stat.S_ISREG(info.st_mode):
            problem = "is not a regular file"
        elif info.st_size < size:
            problem = f"holds {info.st_size} bytes, fewer than the {size} the checkpoint counts"
        elif tail_digest(target, size) != tail:
            problem = "was rewritten since the checkpoint (its content before the cut differs)"
    if problem:
        raise ConfigError(f"cannot resume run {run_id}: {target} {problem}; run again without --resume")


def remove_checkpoint(output: str) -> None:
    """Remove ``output``'s checkpoint (and a temporary left while one was saved)."""
    target = checkpoint_path(output)
    target.unlink(missing_ok=True)
    target.with_name(target.name + ".tmp").unlink(missing_ok=True)


def tail_digest(path: Path, size: int) -> str:
    """SHA-256 of the ``TAIL_BYTES`` of ``path`` before byte ``size``."""
    start = max(0, size - TAIL_BYTES)
    with open(path, "rb") as handle:
        handle.seek(start)
        return hashlib.sha256(handle.read(size - start)).hexdigest()


def input_manifest(paths: Iterable[str]) -> dict[str, Any]:
    """How many input files there are and a digest of their paths, sizes and modification
    times, in reading order."""
    digest = hashlib.sha256()
    count = 0
    for path in paths:
        count += 1
        try:
            info = os.stat(path)
            entry = f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n"
        except OSError as exc:
            entry = f"{path}\0{type(exc).__name__}\n"
        digest.update(entry.encode("utf-8", "surrogateescape"))
    return {"files": count, "digest": digest.hexdigest()}


def read_lines(path: Path, size: int) -> list[dict[str, Any]]:
    """The JSON lines in the first ``size`` bytes of ``path``."""
    with path.open("rb") as handle:
        data = handle.read(size)
    return [json.loads(line) for line in data.splitlines() if line.strip()]
