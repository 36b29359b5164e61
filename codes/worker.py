"""Chunks of a stream mapped in a forked worker process, handed back in order: the second core reads and
prepares rows while this process decides and writes them.

The worker is forked, so it takes over the stream where it stands (an open file, a csv reader, a
generator) and shares nothing else: it never touches the parent's database connection and ends with
`os._exit`, so no inherited object is finalised. It stops when the parent stops reading or is killed (a
broken pipe: the worker keeps its inherited copy of the PostgreSQL socket open until then, so it must
not outlive the parent) and is terminated when the parent gives up early. Errors raised in the worker
are raised again here.
"""

import multiprocessing
import pickle
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from registry.rows import chunked


def map_chunks(function: Callable[[list], Any], items: Iterable[Any], size: int) -> Iterator[Any]:
    """`function(chunk)` for each chunk of `size` items, computed in a forked worker, in order."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(function, items, size, receiver, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        while (message := _receive(receiver))[0] == "chunk":
            yield message[1]
        if message[0] == "error":
            raise message[1]
    finally:
        receiver.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _receive(receiver) -> tuple[str, Any]:
    try:
        return pickle.loads(receiver.recv_bytes())  # noqa: S301 (from our own forked worker)
    except EOFError:
        raise RuntimeError("the row worker process ended without finishing") from None


def _work(function: Callable[[list], Any], items: Iterable[Any], size: int, receiver, sender) -> None:
    receiver.close()  # the parent must hold the only reading end: when it dies, the next send fails here
    try:
        for chunk in chunked(items, size):
            sender.send_bytes(pickle.dumps(("chunk", function(chunk)), protocol=pickle.HIGHEST_PROTOCOL))
        sender.send_bytes(pickle.dumps(("done", None)))
    except BrokenPipeError:
        return  # the parent stopped reading: nothing left to do
    except BaseException as error:  # every failure goes back to the parent, in order
        sender.send_bytes(_pickled_error(error))


def _pickled_error(error: BaseException) -> bytes:
    try:
        return pickle.dumps(("error", error))
    except Exception:  # one that cannot be pickled still reaches the parent
        return pickle.dumps(("error", RuntimeError(f"row worker: {error!r}")))
