"""The knowledge base cannot be used: what the window, the CLI and the full open path say."""

from __future__ import annotations

from explorer.store.problems import DatabaseProblem, ProblemKind


class KnowledgeDatabaseProblem(DatabaseProblem):
    """``knowledge.sqlite`` cannot be used. When it is damaged (or a link to a file that is
    gone) it can be rebuilt from the shipped content; a full, read-only or forbidden disk or
    folder is not cured by a rebuild, so none is offered for it."""

    def __init__(self, problem: DatabaseProblem) -> None:
        self.problem = str(problem)
        rebuildable = problem.damaged or problem.kind is ProblemKind.MISSING
        aside = (
            "the link is replaced by a new file; what it points to is not touched"
            if problem.kind is ProblemKind.MISSING
            else "the damaged file is kept aside, renamed"
        )
        hint = (
            " The knowledge base can be rebuilt from the content shipped with the "
            f"application: explorer kb build ({aside})."
            if rebuildable
            else ""
        )
        super().__init__(
            f"{problem}{hint}",
            path=problem.path,
            locked=problem.locked,
            writes_refused=problem.writes_refused,
            kind=problem.kind,
        )

    @property
    def rebuildable(self) -> bool:
        """Whether a rebuild from the shipped content is the cure."""
        return self.damaged or self.kind is ProblemKind.MISSING
