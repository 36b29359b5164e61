"""Process start and stop: the long-lived heap is frozen while serving and released at stop."""

import gc

from fastapi.testclient import TestClient

from api.app import create_app


def test_the_heap_alive_at_start_is_frozen_while_serving_and_released_at_stop(engine):
    gc.unfreeze()
    with TestClient(create_app()) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() > 10_000  # the app, pypinyin's dictionaries, the index
    assert gc.get_freeze_count() == 0
