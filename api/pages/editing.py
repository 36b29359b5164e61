"""What the curation forms do: sign in, save an edit, move a concept; failures become the form again.

A failed save rolls the session back before the form is shown again, so the commit that follows the
route writes nothing.
"""

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.pages import assemble, forms, render, signin
from registry.auth import Actor
from registry.errors import Conflict, InvalidInput, PreconditionFailed
from terms import service
from terms.models import Concept, TransitionIn


def safe_next(target: str) -> str:
    """A same-site path to go to after sign-in; anything else (//evil, https://…) becomes '/'."""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def sign_in(session: Session, request: Request, form: FormData) -> Response:
    """Check the token; on success open a session (its id in the cookie) and go on, else show the form again."""
    secret, target = str(form.get("token") or "").strip(), safe_next(str(form.get("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    if signin.sign_in(session, request, response, secret) is None:
        return render.page(request, "signin.html", {"next": target, "failed": True}, status=401)
    return response


def save(session: Session, request: Request, raw_id: str, form: FormData, *, actor: Actor) -> Response:
    """Apply the edit form; go to the entry, or show the form with its errors and the input kept."""
    number = assemble.concept_id(raw_id)
    values = forms.from_post(form)
    try:
        update = forms.to_update(values)
        concept = service.update_concept(session, number, update, actor=actor,
                                         if_match=_if_match(number, values["revision"]))
    except PreconditionFailed as error:
        session.rollback()
        return _stale(session, request, number, values, error)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        return _invalid(session, request, number, values, error)
    return RedirectResponse(f"/concepts/{number}?saved={concept.rev}", status_code=303)


def _invalid(session: Session, request: Request, number: int, values: dict[str, Any],
             error: InvalidInput | Conflict) -> Response:
    errors = forms.field_errors(error.extensions.get("errors") or [])
    if not errors or isinstance(error, Conflict):
        errors.setdefault("", []).insert(0, error.detail)
    context = assemble.edit_context(service.read_concept(session, number), values, errors=errors)
    return render.page(request, "edit.html", context, status=error.status)


def _stale(session: Session, request: Request, number: int, values: dict[str, Any],
           error: PreconditionFailed) -> Response:
    current = error.extensions.get("current_revision")
    stale = {"mine": values["revision"], "current": current, "link": f"/concepts/{number}"}
    # Carry the newer revision, so saving again (after reading the notice) replaces it knowingly.
    context = assemble.edit_context(service.read_concept(session, number), {**values, "revision": current},
                                    stale=stale)
    return render.page(request, "edit.html", context, status=412)


def transition(session: Session, raw_id: str, form: FormData, *, actor: Actor) -> Response:
    """Move the concept along one workflow edge and show it; errors go to the error page."""
    number = assemble.concept_id(raw_id)
    move = _transition_in(form)
    service.transition_concept(session, number, move, actor=actor,
                               if_match=_if_match(number, str(form.get("revision") or "")))
    return RedirectResponse(f"/concepts/{number}", status_code=303)


def _transition_in(form: FormData) -> TransitionIn:
    fields = {k: str(form.get(k) or "").strip() or None for k in ("to", "superseded_by", "change_note")}
    try:
        return TransitionIn.model_validate(fields)
    except ValidationError as error:
        errors = [{"pointer": "/" + "/".join(map(str, e["loc"])), "detail": e["msg"]} for e in error.errors()]
        raise InvalidInput("; ".join(f"{e['pointer']}: {e['detail']}" for e in errors), errors=errors) from None


def _if_match(number: int, revision: str) -> str:
    """The ETag of the revision the form was filled from (the service's own format)."""
    return service.etag(Concept(id=number, rev=int(revision) if revision.isdigit() else 0))
