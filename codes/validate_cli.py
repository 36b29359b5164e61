"""`sfreg validate KIND CODE...`: the verdict on each code, as the API gives it (registry and cross-links
included unless --no-registry), one line per code or JSON; exit status 1 when any code is invalid.

Only typer is imported at load time (the root command's help must stay fast)."""

from datetime import date
from typing import Annotated

import typer

Codes = Annotated[list[str], typer.Argument(help="codes to validate; '-' reads one code per line from stdin")]


def validate(kind: Annotated[str, typer.Argument(help="isin, cfi, lei, uscc, mic, cn_security, cn_futures, "
                                                      "cn_option (or a classification scheme)")],
             codes: Codes,
             as_of: Annotated[str | None, typer.Option("--as-of", help="judge as on this date (YYYY-MM-DD)")] = None,
             lang: Annotated[str, typer.Option(help="zh or en: the language of the reasons")] = "zh",
             as_json: Annotated[bool, typer.Option("--json", help="print the full answers as JSON")] = False,
             registry: Annotated[bool, typer.Option(help="look codes up in the registry (needs the database)")]
             = True) -> None:
    """Validate codes of one kind: verdict, reasons and decoded parts."""
    from registry.cli import reports_errors
    reports_errors(_run)(kind, _read(codes), _day(as_of), lang, as_json, registry)


def _run(kind: str, codes: list[str], day: date | None, lang: str, as_json: bool, registry: bool) -> None:
    import orjson

    from codes import validation
    from codes.validators import KINDS
    from registry.database import get_engine
    if not registry and kind not in KINDS:
        raise typer.BadParameter(f"no validator {kind[:40]!r}; kinds: {', '.join(sorted(KINDS))}", param_hint="KIND")
    results = validation.validate_codes(get_engine() if registry else None, kind, codes, as_of=day)
    if as_json:
        typer.echo(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    else:
        for result in results:
            typer.echo(_line(result, lang))
    if not all(r["valid"] for r in results):
        raise typer.Exit(1)


def _read(codes: list[str]) -> list[str]:
    if codes == ["-"]:
        import sys
        return [line.strip() for line in sys.stdin if line.strip()]
    return codes


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--as-of") from None


def _line(result: dict, lang: str) -> str:
    """`input → normalized  valid|INVALID  reasons  key parts`."""
    key = "message" if lang == "en" else "message_zh"
    verdict = ("valid" if lang == "en" else "有效") if result["valid"] else ("INVALID" if lang == "en" else "无效")
    reasons = "; ".join(f[key] for f in [*result["errors"], *result["warnings"]])
    parts = result.get("components") or {}
    shown = {k: parts[k] for k in ("exchange", "kind", "kind_name_zh", "product_name_zh", "contract_month",
                                   "unified", "category_name_zh", "group_name_zh") if parts.get(k)}
    links = {k: v.get("code") for k, v in (result.get("links") or {}).items()}
    extra = "  ".join(f"{k}={v}" for k, v in {**shown, **links}.items())
    return "  ".join(x for x in (f"{result['input']} → {result['normalized']}", verdict, reasons, extra) if x)
