"""Process start and stop: open the search index and keep it, and the validation cache, in step."""

from fastapi import FastAPI

from api import search_index
from codes import validation


def start(app: FastAPI) -> None:
    search_index.start(app)
    notify_index = app.state.on_commit

    def on_commit() -> None:
        validation.forget_recent()
        notify_index()
    app.state.on_commit = on_commit


def stop(app: FastAPI) -> None:
    search_index.stop(app)
