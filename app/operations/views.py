from flask import Blueprint, jsonify

from app.extensions import limiter
from app.operations.checks import database_reachable

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """For load balancers and monitoring: 200 while the database answers, else 503."""
    healthy = database_reachable()
    response = jsonify(status="ok" if healthy else "error", database=healthy)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
