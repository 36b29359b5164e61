"""HTTP for creating code schemes (admin) and reading a classification's tree a level at a time."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from api.deps import AdminDep, SessionDep, WriteSessionDep
from api.problems import problems
from codes import classification
from codes.models import SchemePublic
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated

router = APIRouter(prefix="/schemes", tags=["codes"])
Scheme = Annotated[str, Path(max_length=40, description="a classification scheme's slug")]


class TreeNode(BaseModel):
    code: str
    name_zh: str | None
    name_en: str | None
    status: str
    level: int
    count: int
    children: list["TreeNode"] | None  # None: not drawn here; ask for the subtree of this code


class PathNode(BaseModel):
    code: str
    name_zh: str | None
    name_en: str | None
    level: int


class Tree(BaseModel):
    scheme: SchemePublic
    root: str | None
    path: list[PathNode]
    total: int
    nodes: list[TreeNode]


def tree_node(node: classification.Node) -> TreeNode:
    kids = [tree_node(c) for c in node.children] if node.drawn else None
    return TreeNode(code=node.code, name_zh=node.name_zh, name_en=node.name_en, status=node.status,
                    level=node.level, count=node.count, children=kids)


@router.post("", status_code=201, responses=problems(InvalidInput, Conflict, Unauthenticated,
                                                     PermissionDenied))
def create_scheme(session: WriteSessionDep, actor: AdminDep, response: Response,
                  body: classification.SchemeCreate) -> SchemePublic:
    """Create a code scheme (admin): flat with a code pattern, or a classification with its levels."""
    scheme = classification.create_scheme(session, body, actor=actor)
    response.headers["Location"] = f"/api/v1/schemes/{scheme.slug}/codes"
    return SchemePublic.model_validate(scheme, from_attributes=True)


@router.get("/{scheme}/tree", responses=problems(NotFound))
def read_tree(session: SessionDep, scheme: Scheme,
              root: Annotated[str | None, Query(max_length=40, description="the subtree below this code")] = None,
              ) -> Tree:
    """A classification's tree level by level, up to 300 nodes; nodes whose children are not drawn carry
    their count (ask again with `root`)."""
    view = classification.tree_view(session, scheme, root)
    return Tree(scheme=SchemePublic.model_validate(view["scheme"], from_attributes=True), root=view["root"],
                path=[PathNode(code=n.code, name_zh=n.name_zh, name_en=n.name_en, level=n.level)
                      for n in view["path"]], total=view["total"], nodes=[tree_node(n) for n in view["nodes"]])
