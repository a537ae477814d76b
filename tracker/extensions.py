"""The Flask extensions the app uses, created once and bound to the app by ``create_app``."""

from __future__ import annotations

from flask_compress import Compress
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
#: Pages and JSON compressed (zstd, br or gzip) for browsers that accept it; streamed responses are not.
compress = Compress()

#: What ``compress`` compresses (``COMPRESS_MIMETYPES``).
COMPRESSED_TYPES = ["text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/json"]
