"""Peak memory of ``newsclean clean`` on small files that unpack to a lot (issue 29, item 5).

    python benchmarks/bombs.py [--size-mb 1024] [--only warc_header ...] [--keep DIR]

Builds each bomb in a temporary folder (a gzip page, a WARC header line, a WARC body, a
Parquet cell and a list column, a JSONL field; and blank lines, 100 MB or ``--size-mb`` if
less, in a .jsonl.gz and after a WARC record, whose cost is CPU time, not memory), runs ``newsclean clean`` on it in a fresh
process with the default limits, and prints the peak resident memory of that process and
its workers (``getrusage(RUSAGE_CHILDREN)`` of a fresh wrapper process) against the 1 GB
target, their CPU seconds (not wall time: the machine may be shared), the reject reason, and
whether in = out + rejected. No baseline column: the installed newsclean is an editable
install, whose import hook wins over PYTHONPATH, so another version cannot run beside it from
here. The tests build the same bombs small (tests/test_hostile.py).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

TARGET_MB = 1024
PAGE = b"<html><head><title>Ferry terminal opens</title></head><body><p>The town of Eastmere opened its new ferry terminal on Tuesday.</p></body></html>"
_CHUNK = 1 << 20


def _gzip_of(parts, size: int) -> bytes:
    """One gzip member: ``parts[0]``, ``size`` bytes of ``a``, then ``parts[1]``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(parts[0])]
    block = b"a" * _CHUNK
    left = size
    while left > 0:
        out.append(packer.compress(block[: min(left, _CHUNK)]))
        left -= _CHUNK
    out.append(packer.compress(parts[1]))
    out.append(packer.flush())
    return b"".join(out)


def _warc_record(headers: bytes, body: bytes) -> bytes:
    return b"WARC/1.0\r\n" + headers + b"Content-Length: %d\r\n\r\n" % len(body) + body + b"\r\n\r\n"


def _page_record(n: int) -> bytes:
    return gzip.compress(_page_warc(n), mtime=0)


def _page_warc(n: int) -> bytes:
    """An HTML response record for a page, not compressed."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE
    headers = b"WARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\nWARC-Target-URI: https://news.example/%d\r\nContent-Type: application/http; msgtype=response\r\n" % (n, n)
    return _warc_record(headers, http)


def gzip_page(folder: Path, size: int) -> Path:
    path = folder / "page.html.gz"
    path.write_bytes(_gzip_of((b"<html><body><p>", b"</p></body></html>"), size))
    return path


def warc_header(folder: Path, size: int) -> Path:
    """A page, then a record whose WARC header line runs ``size`` bytes, then a page."""
    path = folder / "header.warc.gz"
    bomb = _gzip_of((b"WARC/1.0\r\nWARC-Type: response\r\nX-Padding: ", b"\r\nContent-Length: 0\r\n\r\n\r\n\r\n"), size)
    path.write_bytes(_page_record(1) + bomb + _page_record(3))
    return path


def warc_body(folder: Path, size: int) -> Path:
    """A page, then an HTML response of ``size`` bytes, then a page."""
    path = folder / "body.warc.gz"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    tail = b"</p></body></html>"
    length = len(http) + size + len(tail)
    headers = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:2>\r\nWARC-Target-URI: https://news.example/2\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % length
    path.write_bytes(_page_record(1) + _gzip_of((headers + http, tail + b"\r\n\r\n"), size) + _page_record(3))
    return path


def parquet_cell(folder: Path, size: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "cell.parquet"
    pq.write_table(pa.table({"id": ["big"], "text": ["a" * size]}), path, compression="zstd")
    return path


def list_column(folder: Path, values: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "list.parquet"
    tags = pa.ListArray.from_arrays(pa.array([0, values], pa.int32()), pa.array(np.zeros(values, dtype=np.int8)))
    pq.write_table(pa.table({"id": ["listed"], "text": [PAGE.decode()], "tags": tags}), path, compression="zstd")
    return path


def jsonl_field(folder: Path, size: int) -> Path:
    path = folder / "field.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "small", "html": PAGE.decode()}) + "\n")
        handle.write(json.dumps({"id": "fat", "html": PAGE.decode(), "meta": "a" * size}) + "\n")
    return path


def jsonl_blank_lines(folder: Path, size: int) -> Path:
    """A record, ``size`` blank lines (a small .jsonl.gz), a record: reading time, not memory."""
    path = folder / "blank.jsonl.gz"
    record = json.dumps({"html": PAGE.decode()}).encode()
    path.write_bytes(_blank_gzip(record + b"\n", b"\n", size, record + b"\n"))
    return path


def warc_blank_lines(folder: Path, size: int) -> Path:
    """A page followed by ``size`` bytes of CR LF in its gzip member, a page."""
    path = folder / "blank.warc.gz"
    path.write_bytes(_blank_gzip(_page_warc(1), b"\r\n", size, b"") + _page_record(3))
    return path


def _blank_gzip(head: bytes, line: bytes, size: int, tail: bytes) -> bytes:
    """One gzip member: ``head``, ``size`` bytes of ``line`` repeated, ``tail``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [packer.compress(head)]
    block = line * (_CHUNK // len(line))
    for _ in range(size // len(block)):
        out.append(packer.compress(block))
    out.append(packer.compress(tail))
    out.append(packer.flush())
    return b"".join(out)


# name -> (builder, size in MB -> the builder's size argument)
BOMBS = {
    "gzip": (gzip_page, lambda mb: mb << 20),
    "warc_header": (warc_header, lambda mb: mb << 20),
    "warc_body": (warc_body, lambda mb: mb << 20),
    "parquet_cell": (parquet_cell, lambda mb: mb << 20),
    "list_column": (list_column, lambda mb: 100_000_000),
    "jsonl_field": (jsonl_field, lambda mb: 57 << 20),
    "jsonl_blank": (jsonl_blank_lines, lambda mb: min(mb, 100) << 20),
    "warc_blank": (warc_blank_lines, lambda mb: min(mb, 100) << 20),
}


def measure(path: Path, out: Path) -> dict:
    """Run ``newsclean clean`` on ``path`` from a fresh wrapper process; its peak memory and result."""

    code = (
        "import resource, subprocess, sys, json;"
        "r = subprocess.run([sys.executable, '-m', 'newsclean.cli', 'clean', sys.argv[1], '-o', sys.argv[2], '--jobs', '1', '--quiet'],"
        " capture_output=True, text=True);"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps({'rc': r.returncode, 'stderr': r.stderr[-400:],"
        " 'peak_kb': u.ru_maxrss, 'cpu': u.ru_utime + u.ru_stime}))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path), str(out)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    stats_path = out.with_name(out.name.replace(".jsonl", ".stats.json"))
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    result["reasons"] = stats.get("rejected_by_reason", {})
    result["balanced"] = stats.get("balanced")
    result["counts"] = (stats.get("documents_in"), stats.get("documents_out"), stats.get("rejected"))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="what the gzip, WARC and Parquet bombs unpack to (default 1024)")
    parser.add_argument("--only", action="append", choices=sorted(BOMBS), help="run only these bombs")
    parser.add_argument("--keep", type=Path, help="build the bombs here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsclean-bombs-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'bomb':<14} {'file':>10} {'peak MB':>8} {'/ target':>9} {'cpu s':>6}  exit  in=out+rej  reasons")
        for name in args.only or list(BOMBS):
            build, size = BOMBS[name]
            (folder / name).mkdir(exist_ok=True)
            path = build(folder / name, size(args.size_mb))
            result = measure(path, folder / name / "out" / "clean.jsonl")
            peak = result["peak_kb"] / 1024
            n_in, n_out, n_rej = result["counts"]
            print(
                f"{name:<14} {path.stat().st_size:>10} {peak:>8.0f} {peak / TARGET_MB:>9.2f} {result['cpu']:>6.1f}  {result['rc']:>4}"
                f"  {n_in}={n_out}+{n_rej} {'ok' if result['balanced'] else 'NO'}  {result['reasons']}"
            )
            if result["rc"] not in (0, 1):
                print(f"    stderr: {result['stderr'][-200:]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
