"""GeoReport v2 bodies as JSON or XML (the spec's element names: <services><service>…, <errors><error>…)."""

import datetime as dt
import json
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

# Root element and per-item element of each list the spec defines.
LISTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
# Lists nested inside an item, and their item element.
NESTED = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return str(value)


def _json_default(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value))


def _fill(parent: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            for item in value:
                sub = ET.SubElement(child, NESTED.get(key, "item"))
                if isinstance(item, dict):
                    _fill(sub, item)
                else:
                    sub.text = _text(item)
        elif isinstance(value, dict):
            _fill(child, value)
        else:
            child.text = _text(value)


def to_xml(kind: str | None, data, root: str | None = None) -> bytes:
    if kind is not None:
        root_name, item_name = LISTS[kind]
        top = ET.Element(root_name)
        for item in data:
            _fill(ET.SubElement(top, item_name), item)
    else:
        top = ET.Element(root)
        _fill(top, data)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)


def respond(fmt: str, data, *, kind: str | None = None, root: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(kind, data, root), status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(data, default=_json_default, ensure_ascii=False)
    return HttpResponse(body.encode(), status=status, content_type="application/json; charset=utf-8")


def errors(fmt: str, status: int, messages: list[str]) -> HttpResponse:
    return respond(fmt, [{"code": status, "description": m} for m in messages], kind="errors", status=status)
