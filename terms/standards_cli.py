"""`sfreg standard …`: list term standards, add one with its parts, move its stage, change its code."""

import json
from typing import Annotated

import typer

from registry.cli import reports_errors

standard_app = typer.Typer(help="Term standards (标准项目): stages, codes, parts.", no_args_is_help=True)


@standard_app.command("list")
def standard_list() -> None:
    """List the standards: key, code, stage, parts, title."""
    from registry.database import transaction
    from registry.standards.service import list_standards
    from terms.standards import part_numbers
    with transaction() as session:
        parts = part_numbers(session)
        for s in list_standards(session):
            numbers = ",".join(str(n) for n in parts.get(s.id, [])) or "-"
            typer.echo(f"{s.key}\t{s.code}\t{s.stage}\tparts {numbers}\t{s.title_zh}")


@standard_app.command("create")
@reports_errors
def standard_create(key: Annotated[str, typer.Option(help="URL slug, e.g. itterms")],
                    code: Annotated[str, typer.Option(help="e.g. JR/T XXXX")],
                    title_zh: Annotated[str, typer.Option(help="Chinese title")],
                    title_en: Annotated[str, typer.Option(help="English title")],
                    collection: Annotated[str | None, typer.Option(help="family slug; default: the key")] = None,
                    working_group: Annotated[str | None, typer.Option(help="工作组")] = None,
                    stage: Annotated[str, typer.Option(help="first stage: preliminary, project, drafting…")] =
                    "preliminary",
                    part: Annotated[list[str] | None, typer.Option(
                        help="a new part as 'Chinese title|English title' (repeat for several)")] = None,
                    meta: Annotated[str | None, typer.Option(help="front-matter facts as JSON (ics, ccs, …)")] =
                    None) -> None:
    """Add a term standard and its new parts (numbered after the highest part); runs as the administrator."""
    from registry.auth import SYSTEM
    from registry.database import transaction
    from registry.standards.models import StandardCreate
    from terms.standards import create_term_standard, parts_of
    body = _validated(StandardCreate, {
        "key": key, "code": code, "collection": collection or key, "title_zh": title_zh, "title_en": title_en,
        "working_group": working_group, "stage": stage, "meta": _json(meta),
        "parts": [_part(p) for p in part or []]})
    with transaction() as session:
        standard = create_term_standard(session, body, actor=SYSTEM)
        numbers = [p.number for p in parts_of(session, standard.id)]
    typer.echo(f"created standard {standard.key} ({standard.code}) at {standard.stage}; parts {numbers}")


def _validated(model, data: dict):
    """`model` validated from `data`; a bad value is an InvalidInput naming the option."""
    from pydantic import ValidationError

    from registry.errors import InvalidInput
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"--{where.replace('_', '-')}: {first['msg']}") from None


def _json(text: str | None) -> dict:
    from registry.errors import InvalidInput
    try:
        return json.loads(text) if text else {}
    except ValueError as error:
        raise InvalidInput(f"--meta is not JSON: {error}") from None


def _part(text: str) -> dict[str, str]:
    zh, _, en = text.partition("|")
    return {"title_zh": zh.strip(), "title_en": en.strip() or zh.strip()}


@standard_app.command("stage")
@reports_errors
def standard_stage(key: Annotated[str, typer.Argument(help="key or code of the standard")],
                   to: Annotated[str, typer.Argument(help="the next stage (or withdrawn)")],
                   on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (Asia/Shanghai); default today")]
                   = None,
                   note: Annotated[str | None, typer.Option(help="why, e.g. the approving document")] = None) -> None:
    """Move a standard forward to a later stage (or to withdrawn), dated; runs as the administrator."""
    from registry.auth import SYSTEM
    from registry.database import transaction
    from registry.standards import service
    from registry.standards.models import StageChange, StandardStage
    change = _validated(StageChange, {"to": to, "date": on, "note": note})
    with transaction() as session:
        standard = service.get_standard(session, key)
        service.change_stage(session, standard, StandardStage(change.to), actor=SYSTEM, on=change.date, note=note)
    typer.echo(f"{standard.key} is now at {standard.stage} ({StandardStage(standard.stage).label_zh})")


@standard_app.command("code")
@reports_errors
def standard_code(key: Annotated[str, typer.Argument(help="key or code of the standard")],
                  code: Annotated[str, typer.Argument(help="the new code (until the standard is published)")]) -> None:
    """Change a standard's code (until it is published)."""
    from registry.auth import SYSTEM
    from registry.database import transaction
    from registry.standards import service
    from registry.standards.models import StandardUpdate
    with transaction() as session:
        standard = service.update_standard(session, service.get_standard(session, key),
                                           StandardUpdate(code=code), actor=SYSTEM)
    typer.echo(f"{standard.key} now has code {standard.code}")
