"""Where the seed and rule data files live: `data/` in a checkout, the `sfreg_data` package in a wheel."""

from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The folder holding the files of `data/` (each names its public source)."""
    try:
        import sfreg_data  # the wheel installs data/ under this name (pyproject package-dir)
    except ImportError:
        return Path(__file__).resolve().parent.parent / "data"
    return Path(sfreg_data.__file__).resolve().parent


def data_path(name: str) -> Path:
    """The path of the data file `name` (relative to data/)."""
    return data_dir() / name
