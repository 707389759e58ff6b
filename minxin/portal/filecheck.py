"""Attachment type by content (magic bytes), never by the name or the browser's claim."""

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)

ALLOWED_LABEL = "JPEG、PNG 图片或 PDF 文件"


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with `head`, if it is one we accept."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def sniff_upload(uploaded) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    return sniff(head)
