"""The contact timeline tracker: contacts between officials of rival states, and their silences."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app: defaults, then ``FLASK_*`` variables, then ``test_config``."""
    from tracker import api, auth, cli, db, importing, pages, security, watching
    from tracker.extensions import COMPRESSED_TYPES, compress, csrf

    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_mapping(
        DATABASE_URL=db.default_database_url(),
        SECRET_KEY=None,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        # Flask-Compress 1.25 leaves a streamed file (send_file) open when it compresses it: streams go as they are
        COMPRESS_STREAMS=False,
    )
    app.config.from_prefixed_env()
    if test_config is not None:
        app.config.from_mapping(test_config)

    security.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    compress.init_app(app)
    importing.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    watching.init_app(app)
    cli.init_app(app)
    return app
