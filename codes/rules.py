"""Rules of code entries: code format per scheme, scheme attributes, validity ranges, status moves."""

import re
import unicodedata
from datetime import date
from typing import Any

from pydantic import ValidationError

from codes.models import ATTRS_BY_SCHEME, CodeScheme, CodeStatus
from codes.validators import get_validator
from registry import writes
from registry.auth import Role
from registry.errors import InvalidInput

# (from, to) -> least role. Expiring and superseding are reviewer decisions, like approving a concept.
TRANSITIONS: dict[tuple[str, str], Role] = {
    ("active", "expired"): Role.reviewer,
    ("active", "superseded"): Role.reviewer,
    ("expired", "active"): Role.reviewer,
}

ATTR_VALIDATORS = {"lei": "lei", "issuer_lei": "lei", "uscc": "uscc", "cfi": "cfi"}


def normalise_code(scheme: CodeScheme, raw: str) -> str:
    """Return the canonical code for `scheme`; raise InvalidInput naming the problem."""
    if scheme.validator:
        validator = get_validator(scheme.validator)
        verdict = validator.check(raw)
        if verdict.errors:
            raise InvalidInput(f"{scheme.slug} code {raw!r}: {verdict.errors[0].message_en}",
                               errors=[{"pointer": "/code", "detail": f.message_en} for f in verdict.errors])
        return verdict.normalized
    code = unicodedata.normalize("NFKC", raw).strip().upper()  # full-width ０-９/Ａ-Ｚ fold to ASCII
    if not re.fullmatch(scheme.code_pattern, code):
        raise InvalidInput(f"{scheme.slug} code {raw!r} does not match {scheme.code_pattern}",
                           errors=[{"pointer": "/code", "detail": raw}])
    return code


def check_attrs(scheme: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """Validate the scheme's attributes (identifiers included); return them in JSON-ready form."""
    model = ATTRS_BY_SCHEME.get(scheme)
    if model is None:
        return attrs
    try:
        parsed = model.model_validate(attrs)
    except ValidationError as error:
        errors = [{"pointer": "/attrs/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]}
                  for e in error.errors()]
        raise InvalidInput("; ".join(f"{e['pointer']}: {e['detail']}" for e in errors), errors=errors) from None
    out = parsed.model_dump(mode="json", exclude_none=True)
    _check_identifiers(out)
    return out


def _check_identifiers(attrs: dict[str, Any]) -> None:
    errors = []
    for field, kind in ATTR_VALIDATORS.items():
        if attrs.get(field):
            verdict = get_validator(kind).check(attrs[field])
            if verdict.errors:
                errors.append({"pointer": f"/attrs/{field}", "detail": verdict.errors[0].message_en})
            else:
                attrs[field] = verdict.normalized
    if errors:
        raise InvalidInput("; ".join(e["detail"] for e in errors), errors=errors)


def check_validity(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to <= valid_from:
        raise InvalidInput(f"valid_to {valid_to} must be after valid_from {valid_from}",
                           errors=[{"pointer": "/valid_to", "detail": str(valid_to)}])


def require_transition(current: str, target: str, role: Role) -> None:
    writes.require_transition(TRANSITIONS, "code", current, target, role)


def status_on(status: str, valid_from: date | None, valid_to: date | None, day: date) -> str:
    """The entry's status on `day`: not_yet_valid before valid_from; active before valid_to; after it the
    recorded status (expired when the record still says active). Without valid_to, the recorded status."""
    if valid_from and day < valid_from:
        return "not_yet_valid"
    if valid_to:
        if day < valid_to:
            return CodeStatus.active
        return CodeStatus.expired if status == CodeStatus.active else status
    return status
