"""Process start and stop: open the search index and keep it in step with the database."""

from fastapi import FastAPI

from api import search_index


def start(app: FastAPI) -> None:
    search_index.start(app)


def stop(app: FastAPI) -> None:
    search_index.stop(app)
