"""Responses checked against the platform's OpenAPI document.

:class:`OpenApiContract` loads the document once (a URL, a path on the platform such as
``/openapi.json``, or a local file) and answers, for one response, the list of
:class:`Violation` s: an undocumented status or content type, or a body its schema rejects,
each with the JSON pointer of the schema keyword that failed. Paths the document does not
know are not its business (``[]``).

Validation is jsonschema's (OpenAPI 3.1 schemas *are* JSON Schema 2020-12; a 3.0 document is
read with draft 4 rules and ``nullable``), with ``$ref`` resolved through a ``referencing``
registry holding the whole document. Path templates are matched here, literal segments
before parameters. openapi-core would do both, but its errors wrap jsonschema's without the
pointer into the document that a failed check must name, and it brings five more packages;
jsonschema is already a dependency. Validators are compiled once per route, status and
media type.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from phasebook.errors import ConfigError

_DOCUMENT_URI = "urn:phasebook:openapi"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")
_MAX_MESSAGE = 300


@dataclass(frozen=True)
class Violation:
    """One way a response breaks the contract."""

    route: str  # the path template, e.g. "/api/v1/orders/{order_id}"
    status: int
    schema_path: str  # JSON pointer into the document, e.g. "#/paths/~1api~1v1~1cart/get/..."
    message: str


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _pointer(*tokens: object) -> str:
    return "#/" + "/".join(_escape(str(token)) for token in tokens)


def _template_pattern(template: str) -> re.Pattern[str]:
    return re.compile(_PARAMETER.sub("[^/]+", re.escape(template)) + "$")


def _specificity(template: str) -> tuple[int, int]:
    """Literal templates before parametrised ones (``/cart/items`` before ``/cart/{id}``)."""
    return (template.count("{"), -len(template))


def _nullable_to_type(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` spelled as JSON Schema (a 3.0 document only)."""
    if isinstance(node, list):
        return [_nullable_to_type(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_to_type(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True:
        if isinstance(converted.get("type"), str):
            converted["type"] = [converted["type"], "null"]
        elif "$ref" in converted or "allOf" in converted or "anyOf" in converted:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


class OpenApiContract:
    """The platform's OpenAPI document, ready to judge responses."""

    def __init__(self, document: dict[str, Any], *, source: str = "<document>") -> None:
        version = str(document.get("openapi", ""))
        if not version.startswith("3."):
            raise ConfigError(
                f"{source} is not an OpenAPI 3 document (openapi: {version or 'missing'}): "
                "point platform.openapi at the platform's OpenAPI 3.x JSON, or set it to none"
            )
        self.source = source
        self._legacy = version.startswith("3.0")
        self.document = _nullable_to_type(copy.deepcopy(document)) if self._legacy else document
        specification = DRAFT4 if self._legacy else DRAFT202012
        resource = Resource(contents=self.document, specification=specification)
        self._registry = Registry().with_resource(_DOCUMENT_URI, resource)
        self._validator_class = (
            jsonschema.Draft4Validator if self._legacy else jsonschema.Draft202012Validator
        )
        templates = sorted(self.document.get("paths", {}), key=_specificity)
        self._routes = [(template, _template_pattern(template)) for template in templates]
        self._prefixes = self._server_prefixes()
        self._validators: dict[str, jsonschema.protocols.Validator] = {}

    @classmethod
    def load(
        cls, source: str | None, *, base_url: str, http: httpx.Client | None = None
    ) -> OpenApiContract | None:
        """From a URL, a path on the platform (``/openapi.json``) or a local file (.json/.yaml);
        ``None``, ``""`` or ``"none"`` turn contract checks off."""
        if source is None or source.strip().lower() in ("", "none"):
            return None
        source = source.strip()
        local = Path(source).expanduser()
        if not source.startswith(("http://", "https://")) and local.is_file():
            return cls(_parse(local.read_text(encoding="utf-8"), source), source=source)
        if source.startswith("/"):
            source = base_url.rstrip("/") + source
        elif not source.startswith(("http://", "https://")):
            raise ConfigError(
                f"platform.openapi: {source!r} is neither a URL, a path on the platform "
                "(starting with /) nor an existing file: fix it, or set it to none"
            )
        return cls(_parse(_fetch(source, http), source), source=source)

    def _server_prefixes(self) -> list[str]:
        prefixes = {""}
        for server in self.document.get("servers", []) or []:
            path = urlsplit(str(server.get("url", ""))).path.rstrip("/")
            if path and "{" not in path:
                prefixes.add(path)
        return sorted(prefixes, key=len, reverse=True)

    def _template(self, path: str) -> str | None:
        path = urlsplit(path).path or "/"
        for prefix in self._prefixes:
            if prefix and not path.startswith(prefix + "/"):
                continue
            relative = path[len(prefix) :]
            for template, pattern in self._routes:
                if pattern.match(relative):
                    return template
        return None

    def route(self, method: str, path: str) -> str | None:
        """The documented template of this request, e.g. ``/api/v1/orders/{order_id}``."""
        template = self._template(path)
        if template is None or method.lower() not in self.document["paths"][template]:
            return None
        return template

    def violations(
        self, *, method: str, path: str, status: int, content_type: str | None, body: Any
    ) -> list[Violation]:
        """How this response breaks the document ([] when it does not, or the path is unknown)."""
        template = self._template(path)
        if template is None:
            return []
        verb = method.lower()
        operation = self.document["paths"][template].get(verb)
        if not isinstance(operation, dict):
            if verb in ("head", "options"):
                return []  # answered by the framework, rarely documented
            message = f"{method.upper()} is not documented for {template}"
            return [Violation(template, status, _pointer("paths", template), message)]
        return self._check_response(template, verb, operation, status, content_type, body)

    def _check_response(
        self,
        template: str,
        verb: str,
        operation: dict[str, Any],
        status: int,
        content_type: str | None,
        body: Any,
    ) -> list[Violation]:
        responses = operation.get("responses", {})
        key = next(
            (k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None
        )
        if key is None:
            documented = ", ".join(sorted(responses)) or "none"
            message = f"status {status} is not documented (documented: {documented})"
            pointer = _pointer("paths", template, verb, "responses")
            return [Violation(template, status, pointer, message)]
        response, where = self._resolve(responses[key], ("paths", template, verb, "responses", key))
        content = response.get("content")
        if not content:
            return []
        base = (*where, "content")
        media = _media_type(content, content_type)
        if media is None:
            documented = ", ".join(content)
            message = f"content type {content_type or 'none'} is not documented ({documented})"
            return [Violation(template, status, _pointer(*base), message)]
        if "schema" not in content[media]:
            return []
        schema_tokens = (*base, media, "schema")
        parsed, problem = _json_body(body) if "json" in media else (body, None)
        if problem:
            return [Violation(template, status, _pointer(*schema_tokens), problem)]
        return self._schema_violations(template, status, schema_tokens, parsed)

    def _resolve(self, node: Any, where: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """A response object and its location, following a local ``$ref`` (one hop)."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return (node if isinstance(node, dict) else {}), where
        resolved = self._registry.resolver().lookup(_DOCUMENT_URI + ref).contents
        tokens = tuple(_unescape(token) for token in ref[2:].split("/"))
        return (resolved if isinstance(resolved, dict) else {}), tokens

    def _validator(self, pointer: str) -> jsonschema.protocols.Validator:
        if pointer not in self._validators:
            schema = {"$ref": _DOCUMENT_URI + pointer}
            self._validators[pointer] = self._validator_class(schema, registry=self._registry)
        return self._validators[pointer]

    def _schema_violations(
        self, template: str, status: int, schema_tokens: tuple[str, ...], body: Any
    ) -> list[Violation]:
        pointer = _pointer(*schema_tokens)
        found = []
        for error in self._validator(pointer).iter_errors(body):
            keywords = [str(part) for part in error.absolute_schema_path if part != "$ref"]
            where = "/".join(_escape(token) for token in keywords)
            message = f"{error.json_path}: {error.message}"
            if len(message) > _MAX_MESSAGE:
                message = message[: _MAX_MESSAGE - 1] + "…"
            found.append(Violation(template, status, f"{pointer}/{where}".rstrip("/"), message))
        return sorted(set(found), key=lambda violation: violation.schema_path)


def _media_type(content: dict[str, Any], content_type: str | None) -> str | None:
    actual = (content_type or "").split(";")[0].strip().lower()
    if actual in content:
        return actual
    family = actual.split("/")[0] + "/*"
    for candidate in (family, "*/*"):
        if candidate in content:
            return candidate
    return None


def _json_body(body: Any) -> tuple[Any, str | None]:
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", errors="replace")
    if not isinstance(body, str):
        return body, None
    try:
        return json.loads(body), None
    except ValueError:
        return None, f"body is not JSON: {body[:80]!r}"


def _fetch(url: str, http: httpx.Client | None) -> str:
    client = http or httpx.Client(timeout=10, trust_env=False)
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise ConfigError(
            f"cannot read the OpenAPI document at {url} ({type(exc).__name__}: {exc}): start "
            "the platform, fix platform.openapi, or set it to none"
        ) from exc
    finally:
        if http is None:
            client.close()
    if response.status_code != 200:
        raise ConfigError(
            f"the OpenAPI document at {url} answered {response.status_code}: set "
            "platform.openapi to the document's URL or file, or to none"
        )
    return response.text


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError:
        import yaml

        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{source} is neither JSON nor YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise ConfigError(f"{source} does not hold an OpenAPI document (an object)")
    return document
