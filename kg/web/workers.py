"""Queries of the web's users run in worker processes, so that one that runs too long can be stopped.

Oxigraph cannot be interrupted from Python once a query runs, so each worker is a process of its own
that opens the store's current version read-only. A query gets ``timeout`` seconds; when it has no
answer by then its worker is ended and replaced, the client gets a clear message, and the other
workers go on serving everybody else. A store held only in memory (tests, ``memory_store``) has no
folder a worker could open: its queries run on a thread of the server, with the same timeout on the
answer (the thread itself finishes in its own time).
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path

from kg.errors import QueryError
from kg.web.protocol import Answer, Request, answer


#: Seconds after which a running query's worker is lowered in priority (see ``_Process.demote``).
DEMOTE_AFTER = 0.5


class QueryTimeout(QueryError):
    """A query that had no answer within the time limit."""


def _send(stream, value) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("!Q", len(data)) + data)
    stream.flush()


def _read_exactly(stream, size: int) -> bytes:
    """``size`` bytes from ``stream``: a pipe gives at most a pipe-full per read, so read until they are all here."""
    parts, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the worker closed its pipe")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _receive(stream):
    size = struct.unpack("!Q", _read_exactly(stream, 8))[0]
    return pickle.loads(_read_exactly(stream, size))


def main(location: str) -> None:  # pragma: no cover - runs in the worker process
    """A worker: open the store at ``location`` read-only, answer jobs from standard input on standard output."""
    import pyoxigraph as ox

    store = ox.Store.read_only(location)
    jobs, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the answers' pipe
    while True:
        try:
            request, fmt, cap = _receive(jobs)
        except (EOFError, KeyboardInterrupt):
            return
        try:
            _send(answers, ("ok", answer(store, request, fmt, cap)))
        except QueryError as exc:
            _send(answers, ("error", str(exc)))
        except Exception as exc:  # the message, not a traceback, reaches the client
            _send(answers, ("error", f"the query failed: {type(exc).__name__}: {exc}"))


_START = "import sys; from kg.web.workers import main; main(sys.argv[1])"


class _Process:
    """One worker process, a fresh interpreter that runs :func:`main` (so that it never imports the caller's
    main module), with pickled jobs and answers over its standard input and output."""

    def __init__(self, location: Path):
        self.demoted = False
        self.process = subprocess.Popen([sys.executable, "-c", _START, str(location)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)

    def send(self, job) -> None:
        _send(self.process.stdin, job)

    def receive(self):
        return _receive(self.process.stdout)

    def fileno(self) -> int:
        return self.process.stdout.fileno()

    def demote(self) -> None:
        """Lower the priority of a worker whose query has run a while: the processor then serves the short
        queries of the other workers first, and the long one gets what is left until its time limit."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 19)
            self.demoted = True
        except OSError:
            pass

    def promote(self) -> bool:
        """Back to normal priority once the long query has ended; False when the system does not allow it."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 0)
        except OSError:
            return False
        self.demoted = False
        return True

    def stop(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)


class QueryPool:
    """``size`` worker processes on the store at ``location`` (None: run on threads of this process)."""

    def __init__(self, store, size: int = 2, timeout: float = 10.0):
        self.store = store
        self.location = getattr(store, "location", None)
        self.size = max(1, size)
        self.timeout = timeout
        self._idle: asyncio.Queue | None = None
        self._all: list[_Process] = []

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        if self.location is None:
            return
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        worker = _Process(self.location)
        self._all.append(worker)
        self._idle.put_nowait(worker)

    async def stop(self) -> None:
        for worker in self._all:
            worker.stop()
        self._all.clear()

    async def run(self, request: Request, fmt: str, cap: int, timeout: float | None = None) -> Answer:
        """The answer of ``request`` in ``fmt``; ``QueryTimeout`` when it takes longer than the limit."""
        limit = asked = self.timeout if timeout is None else timeout
        if self._idle is None:
            await self.start()
        if self.location is None:
            try:
                return await asyncio.wait_for(asyncio.to_thread(answer, self.store.store, request, fmt, cap), limit)
            except asyncio.TimeoutError:
                raise QueryTimeout(self._late(self.timeout)) from None
        started = asyncio.get_running_loop().time()
        try:  # waiting for a free worker counts against the same limit
            worker = await asyncio.wait_for(self._idle.get(), limit)
        except asyncio.TimeoutError:
            raise QueryTimeout(f"the server is busy: no worker was free within {asked:.3g} s; try again in a moment") from None
        limit = max(0.05, limit - (asyncio.get_running_loop().time() - started))
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        try:
            worker.send((request, fmt, cap))
            loop.add_reader(worker.fileno(), lambda: ready.done() or ready.set_result(None))
            demote = loop.call_later(min(DEMOTE_AFTER, limit / 2), worker.demote)
            try:
                await asyncio.wait_for(ready, limit)
            finally:
                demote.cancel()
                loop.remove_reader(worker.fileno())
            status, value = await asyncio.to_thread(worker.receive)  # a large answer arrives in many pipe-fulls
        except asyncio.TimeoutError:
            self._replace(worker)
            raise QueryTimeout(self._late(self.timeout)) from None
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryError("the query stopped its worker; it was restarted. Simplify the query and try again") from None
        except asyncio.CancelledError:  # the client went away: the worker may still be busy, so replace it
            self._replace(worker)
            raise
        if worker.demoted and not worker.promote():
            self._replace(worker)  # a worker left at low priority would serve the next query slowly
        else:
            self._idle.put_nowait(worker)
        if status == "error":
            raise QueryError(value)
        return value

    def _replace(self, worker: _Process) -> None:
        worker.stop()
        if worker in self._all:
            self._all.remove(worker)
        self._spawn()

    @staticmethod
    def _late(limit: float) -> str:
        return (f"the query was stopped after {limit:.3g} s, the time limit of this server; make it more selective "
                "(a LIMIT, fewer OPTIONALs, a narrower pattern), or run it locally with kg query")
