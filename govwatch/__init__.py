"""govwatch: 政务网站与新媒体监管平台."""

__version__ = "0.1.0"
