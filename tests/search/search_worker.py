"""A second process for test_search_cli: opens the shared index, keeps it in step, answers queries.

Reads one query per line on stdin, writes {"total": n} per line on stdout; stops at end of input.
Settings (database, index folder) come from the SFREG_* environment inherited from the test.
"""

import json
import sys

from api import search_index
from registry.database import get_engine
from registry.settings import get_settings


def main() -> None:
    settings, engine = get_settings(), get_engine()
    index = search_index.open_index(settings, engine)
    search_index.start_sync(index, engine, settings)
    try:
        for line in sys.stdin:
            total = search_index.search_concepts(line.strip())["total"]
            print(json.dumps({"total": total}), flush=True)
    finally:
        search_index.stop_sync()
        engine.dispose()


if __name__ == "__main__":
    main()
