"""What support does when a lower layer (intake) tells it something happened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kindred.intake.models import SupportRequest
from kindred.support.actions import end_matches_of_withdrawn_request


def end_matches_when_withdrawn(
    sender: type[SupportRequest], *, support_request: SupportRequest, at: datetime, **kwargs: Any
) -> None:
    """`intake.actions.request_withdrawn`: a waiting proposal is withdrawn and an active match
    closes, in the transaction that withdraws the request."""
    end_matches_of_withdrawn_request(support_request, at=at)
