"""Every rule of voting, results and the prize draw: an index of the modules that hold them.

- ``app.voting.votes``: who votes, the ballot, one vote per person (a unique key on campaign
  and HMAC of the canonical e-mail), the reference code, counting in the vote's transaction.
- ``app.voting.results``: the running tally, the tie rule (the finalist that reached the
  tied total first wins), who may see results when, publishing the frozen results.
- ``app.voting.prize``: the prize draw (seed source announced first, pool, draw, redraw,
  the public record); ``app.voting.draw`` holds the arithmetic anyone can redo.
- ``app.voting.verify``: redoing finished draws against their record and the audit log.
- ``app.voting.checks``: vote checks for staff and voiding a vote.

Services add and flush; the caller commits (``cast_vote`` opens its own write transaction).
App code imports from the module itself; these names stay here for the views and tests
that use ``services`` as one namespace.
"""

from app.voting.checks import (
    NEW_ACCOUNT_MINUTES,
    fresh_account_votes,
    shared_client_clusters,
    shared_mailbox_votes,
    void_vote,
    votes_per_day,
    votes_per_hour,
)
from app.voting.prize import (
    DrawError,
    PoolMember,
    PublicDraw,
    announce_seed_source,
    draw_formula,
    draw_pool,
    draws,
    public_draws,
    redraw,
    run_draw,
)
from app.voting.results import (
    Results,
    Row,
    public_results,
    publish_results,
    recount,
    results_visible,
    tally,
    winning_name,
)
from app.voting.verify import Verification, verify_draws
from app.voting.votes import (
    AlreadyVoted,
    UnknownFinalist,
    VotingClosed,
    VotingError,
    ballot,
    cast_by,
    cast_vote,
    client_key,
    export_votes,
    finalist_on_ballot,
    key_for,
    require_voting_open,
    unlink_votes,
    vote_of,
    voting_open,
)

__all__ = [
    "NEW_ACCOUNT_MINUTES",
    "AlreadyVoted",
    "DrawError",
    "PoolMember",
    "PublicDraw",
    "Results",
    "Row",
    "UnknownFinalist",
    "Verification",
    "VotingClosed",
    "VotingError",
    "announce_seed_source",
    "ballot",
    "cast_by",
    "cast_vote",
    "client_key",
    "draw_formula",
    "draw_pool",
    "draws",
    "export_votes",
    "finalist_on_ballot",
    "fresh_account_votes",
    "key_for",
    "public_draws",
    "public_results",
    "publish_results",
    "recount",
    "redraw",
    "require_voting_open",
    "results_visible",
    "run_draw",
    "shared_client_clusters",
    "shared_mailbox_votes",
    "tally",
    "unlink_votes",
    "verify_draws",
    "void_vote",
    "vote_of",
    "votes_per_day",
    "votes_per_hour",
    "voting_open",
    "winning_name",
]
