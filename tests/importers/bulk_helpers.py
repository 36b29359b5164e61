"""Helpers for the import/export tests: run a job like the CLI does, read exports, build concept files."""

import csv
import io
from pathlib import Path

from sqlalchemy import func, text
from sqlmodel import Session, select

from importers import service
from registry.auth import SYSTEM, Actor, Role
from terms.models import Concept

SHARED = Path(__file__).resolve().parents[3] / "shared"
TBX_DIR = SHARED / "acceptance" / "tbx"
MIC_DIR = SHARED / "reference" / "mic"
EDITOR = Actor(name="test-editor", role=Role.editor)

HEADER = ["部分", "条目编号", "专业领域", "状态", "首选术语", "许用术语", "拒用术语", "被取代术语",
          "缩略语", "符号", "英文对应词", "定义", "英文定义", "注", "示例", "来源", "相关条目", "取代条目"]


def run(engine, dataset: str, data: bytes, filename: str, *, actor=SYSTEM, **options):
    """Import like the CLI: commit unless the report is rejected or it is a dry run."""
    with Session(engine, expire_on_commit=False) as session:
        report = service.run_import(session, dataset, io.BytesIO(data), filename=filename, actor=actor,
                                    **options)
        if report.rejected or options.get("dry_run"):
            session.rollback()
        else:
            session.commit()
    return report


def export_bytes(engine, dataset: str, fmt: str, **options) -> bytes:
    with Session(engine) as session:
        out = service.export(session, engine, dataset, fmt, **options)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in out.chunks)


def concept_csv(rows: list[dict[str, str]], *, header: list[str] = HEADER, encoding: str = "utf-8",
                delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue().encode(encoding)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def count(engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()


def concept_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Concept)).one()


def wipe_concepts(engine) -> None:
    """Delete every concept (a fresh term base for round trips through another format)."""
    with engine.begin() as conn:
        for table in ("cross_reference", "term", "concept_revision"):
            conn.execute(text(f'DELETE FROM "{table}"'))
        conn.execute(text('UPDATE "concept" SET superseded_by = NULL'))
        conn.execute(text('DELETE FROM "concept"'))
