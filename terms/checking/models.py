"""The shapes of a check: what is asked (CheckRequest) and what comes back (CheckAnswer)."""

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic import Field as PField

from terms.models import MAX_PART


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("the text to check is empty")
    return text


PartNumber = Annotated[int, PField(ge=1, le=MAX_PART)]
StandardKey = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class IgnoreItem(BaseModel):
    """Ignore one concept (`concept_id`) or one written form (`form`) for the rest of the document."""

    model_config = ConfigDict(extra="forbid")

    concept_id: int | None = PField(default=None, ge=1, le=2_147_483_647)
    form: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None

    @model_validator(mode="after")
    def _one(self) -> "IgnoreItem":
        if (self.concept_id is None) == (self.form is None):
            raise ValueError("give either concept_id or form")
        return self


class CheckOptions(BaseModel):
    """Which term base to check against, and what to leave out."""

    model_config = ConfigDict(extra="forbid")

    release: Annotated[str, StringConstraints(max_length=60)] | None = PField(
        default=None, description="a release name, `latest` or `latest-any`; default: the live state "
                                  "(approved and deprecated concepts)")
    parts: list[PartNumber] | None = PField(default=None, max_length=100, description="only these parts")
    standards: list[StandardKey] | None = PField(default=None, max_length=50,
                                                 description="only these standards (key or code)")
    exclude_parts: list[PartNumber] = PField(default_factory=list, max_length=100)
    exclude_standards: list[StandardKey] = PField(default_factory=list, max_length=50)
    ignore: list[IgnoreItem] = PField(default_factory=list, max_length=1000, description=(
        "findings to ignore for the whole document: {concept_id} or {form}"))


class CheckRequest(CheckOptions):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "投资者可以参与两融业务，即融资融券交易。", "release": None, "parts": [3],
         "ignore": [{"form": "两融"}]}]})

    text: Annotated[str, AfterValidator(_not_blank)] = PField(description="the text to check")


class CheckAnswer(BaseModel):
    findings: list[dict[str, Any]] = PField(description=(
        "kind=term: start/end (code points) and start_utf16/end_utf16 in the submitted text, form, concept_id, "
        "part, entry_number, status, level (error|info|recognised), preferred, definition, use (what to write "
        "instead), release; kind=consistency: concept_id, preferred and the forms used with their counts"))
    summary: dict[str, Any]
