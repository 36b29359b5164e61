"""Process start and stop: open the search index and keep it in step with the database."""

from fastapi import FastAPI


def start(app: FastAPI) -> None:
    try:
        from api import search_index
    except ImportError:
        app.state.on_commit = None
        return
    search_index.start(app)


def stop(app: FastAPI) -> None:
    try:
        from api import search_index
    except ImportError:
        return
    search_index.stop(app)
