"""Exit 0 when the PostgreSQL server of a SQLAlchemy URL answers, 1 (with the reason) when not."""

from __future__ import annotations

import sys

import sqlalchemy as sa


def main(url: str) -> int:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "not available"
        sys.stderr.write(f"PostgreSQL not reachable: {str(exc).splitlines()[0]}\n")
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
