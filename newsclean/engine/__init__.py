"""The run's machinery: what takes a pipeline over a corpus.

- ``driver``: the Runner: inputs to output files, checkpoints and resume, stats.
- ``local``: the local executor: worker processes for the document pass and the corpus passes.
- ``distributed``: the Dask executor: the same plan on a cluster.
- ``killable``: the worker pool whose overrunning workers are killed and replaced.
- ``budget``: a document's time budget.
- ``checkpoint``: how far a run's output files go, for ``--resume``.
- ``corpus``: the drivers of a corpus stage (observe, merge, decide, apply).
- ``spill``: the temporary files a stream waits in between passes.

How a document and a corpus step go through them: docs/architecture.md. The old module names
(``newsclean.runner``, ``newsclean.parallel``, ...) still import (``newsclean.MOVED``).
"""
