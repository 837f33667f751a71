"""``tiezheng matter open|step|close|show`` and ``tiezheng alerts``: a matter's process trail from the command line.

Only digests and pseudonyms reach the chain: the case number is hashed with the
agency's subject salt ($TIEZHENG_SUBJECT_SALT), and so is a document's number;
an official's ID with its operator salt ($TIEZHENG_OPERATOR_SALT); each salt is
a secret of at least 16 bytes;
documents are hashed here with SM3 and never leave the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

from ..beijing import BEIJING
from ..errors import TiezhengError
from ..evidence_id import EvidenceId
from ..gm import SM2PublicKey, keystore, sm3_file
from ..responses import BadResponseError, NodeUnreachable, StreamEnded, decode_json
from ..sdk import Client, Digest, alert_from_json
from ..statement import MetaValue
from ..supervision import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_delivery
from .common import (
    EXIT_OK,
    fail,
    node_url,
    passphrase,
    read_from_stdin,
    require_text,
    salt_from,
    subject_salt,
    unreadable,
)

#: How long `matter open` and `matter step` wait for their block beyond what the SDK waited.
SEALED_WAIT_SECONDS: Final = 120.0

OPERATOR_SALT_ENV: Final = "TIEZHENG_OPERATOR_SALT"
RED: Final = "\x1b[31m"
RESET: Final = "\x1b[0m"
MAX_ALERT_BODY: Final = 64 * 1024


def add_commands(commands: Any) -> None:
    matter = commands.add_parser("matter", help="open a matter, record its steps, show its timeline")
    actions = matter.add_subparsers(dest="matter_command", required=True, metavar="ACTION", parser_class=type(matter))

    def node(sub: argparse.ArgumentParser, *, writes: bool) -> None:
        sub.add_argument(
            "--node", required=True, type=node_url, metavar="URL", help="the node, e.g. http://127.0.0.1:8545"
        )
        if writes:
            sub.add_argument("--key", required=True, metavar="KEYFILE", help="the agency's SM2 keystore")
            sub.add_argument("--agency", required=True, metavar="CODE", help="the agency's registered code")
            sub.add_argument(
                "--official",
                metavar="ID",
                help=f"the official acting (pseudonymised with ${OPERATOR_SALT_ENV}); - reads it from standard input",
            )

    opening = actions.add_parser("open", help="open a matter following a workflow template; prints its ID")
    node(opening, writes=True)
    opening.add_argument(
        "--template", required=True, metavar="T", help="template id (e.g. administrative-permit) or hash"
    )
    opening.add_argument(
        "--subject",
        required=True,
        metavar="TEXT",
        help="the case number; only its salted SM3 is sent; - reads it from standard input",
    )
    opening.add_argument(
        "--party", action="append", default=[], metavar="ROLE=CODE", help="the agency for a template role; repeatable"
    )
    opening.add_argument("--document", type=Path, metavar="FILE", help="the application or case file it starts from")
    opening.set_defaults(handler=cmd_open)

    step = actions.add_parser("step", help="record a step of a matter at its current stage")
    step.add_argument("matter", metavar="MATTER", help="the matter's ID")
    node(step, writes=True)
    step.add_argument("--stage", required=True, metavar="S", help="the stage the step completes (the current one)")
    step.add_argument("--decision", required=True, choices=("approve", "return", "reject"))
    step.add_argument("--after", required=True, type=Path, metavar="FILE", help="the document as the step left it")
    step.add_argument("--before", type=Path, metavar="FILE", help="the document as the step found it")
    step.add_argument("--next", metavar="STAGE", help="where the matter goes when the template offers a choice")
    step.add_argument("--opinion", type=Path, metavar="FILE", help="the written opinion (its SM3 is recorded)")
    step.add_argument(
        "--document-no",
        metavar="TEXT",
        help="the document's number, e.g. 京市监许〔2026〕0417号; only its salted SM3 is sent; - reads it from "
        "standard input",
    )
    step.add_argument("--hearing", choices=("yes", "no"), help="whether a hearing was requested")
    step.add_argument(
        "--published-at",
        metavar="TIME",
        help="when the decision was published (ISO 8601, e.g. 2026-11-23T10:00+08:00; without a zone, China "
        "Standard Time, UTC+08:00)",
    )
    step.set_defaults(handler=cmd_step)

    close = actions.add_parser("close", help="close a matter before its last stage (withdrawn, transferred, …)")
    close.add_argument("matter", metavar="MATTER")
    node(close, writes=True)
    close.add_argument(
        "--outcome",
        default="withdrawn",
        metavar="TEXT",
        help="why it closes early: withdrawn (the default), transferred, …",
    )
    close.set_defaults(handler=cmd_close)

    show = actions.add_parser("show", help="a matter's timeline: each step, its deadline, overdue in red")
    show.add_argument("matter", metavar="MATTER")
    node(show, writes=False)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    alerts = commands.add_parser("alerts", help="list overdue alerts and warnings; --watch follows new ones")
    alerts.add_argument("--node", required=True, type=node_url, metavar="URL")
    alerts.add_argument("--status", choices=("open", "acknowledged", "resolved"))
    alerts.add_argument("--severity", choices=("red", "warning"))
    alerts.add_argument("--agency", metavar="CODE", help="the agency responsible")
    alerts.add_argument("--template", metavar="ID")
    alerts.add_argument("--watch", action="store_true", help="keep printing alerts as the node raises them")
    alerts.add_argument("--json", action="store_true", help="one JSON object per line")
    alerts.set_defaults(handler=cmd_alerts)

    receive = commands.add_parser(
        "receive-alerts",
        help="a webhook endpoint for supervisors: checks each alert's SM2 signature and prints it",
    )
    receive.add_argument("--listen", default="127.0.0.1:9000", metavar="HOST:PORT", help="default 127.0.0.1:9000")
    source = receive.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--public-key", metavar="PEM|HEX", help="the node's supervision public key, pinned (PEM file or hex point)"
    )
    source.add_argument(
        "--node", type=node_url, metavar="URL", help="take the supervision key from GET URL/v1/supervision"
    )
    receive.add_argument("--json", action="store_true", help="print each alert's body as one JSON line")
    receive.set_defaults(handler=cmd_receive_alerts)


def _client(args: argparse.Namespace) -> Client:
    read_from_stdin(args, "subject", "document_no", "official")
    require_text(args, "stage", "outcome")
    # The salts before the passphrase: a refusal should not come after the passphrase was typed.
    salt_for_operators = salt_from(OPERATOR_SALT_ENV, "--official") if args.official is not None else None
    if getattr(args, "subject", None) is not None:
        salt_for_cases: bytes | None = subject_salt("--subject")
    elif getattr(args, "document_no", None):
        salt_for_cases = subject_salt("--document-no")
    else:
        salt_for_cases = None
    return Client(
        args.node,
        key=keystore.load(args.key, passphrase()),
        agency=args.agency,
        subject_salt=salt_for_cases,
        operator_salt=salt_for_operators,
    )


def _matter_id(text: str) -> str:
    try:
        return str(EvidenceId.parse(text))
    except Exception as exc:
        fail(f"{text!r} is not a matter ID: {exc}")


def _file(path: Path, what: str) -> Digest:
    try:
        return Digest(sm3_file(path))
    except OSError as exc:
        raise unreadable(what, path, exc) from None


def cmd_open(args: argparse.Namespace) -> int:
    parties = {}
    for item in args.party:
        role, _, code = item.partition("=")
        if not role or not code:
            fail(f"--party {item!r}: give ROLE=CODE, e.g. health=12110000MB0123456X")
        if role in parties:
            fail(f"--party names role {role!r} twice ({parties[role]} and {code}); a role has one agency")
        parties[role] = code
    document = _file(args.document, "document") if args.document else None
    with _client(args) as client:
        opened = client.open_matter(
            args.template, args.subject, parties=parties, document=document, official=args.official
        )
        if not _sealed(client, opened.id, "opening"):
            return EXIT_OK
        matter = client.matter(opened.id)
    sys.stdout.write(
        f"{opened.id}  opened: {matter.template}, now at {matter.current}, due {_time(matter.stage_deadline)}\n"
    )
    return EXIT_OK


def _sealed(client: Client, evidence_id: str, what: str) -> bool:
    """Wait for a step the node accepted to be sealed; if it is not in time, print its ID and say so.

    The ID is the matter's (or the step's) whatever happens next: signing the step again would
    make a second one, so it is printed rather than lost in an error.
    """
    try:
        client.wait(evidence_id, timeout=SEALED_WAIT_SECONDS)
    except TiezhengError as exc:
        if exc.code != "timeout":
            raise
        sys.stdout.write(f"{evidence_id}  {what} accepted, not yet in a block\n")
        sys.stderr.write(f"tiezheng: {evidence_id} is accepted; see it with tiezheng matter show once sealed\n")
        return False
    return True


def cmd_step(args: argparse.Namespace) -> int:
    fields: dict[str, MetaValue] = {}
    zoneless = False
    if args.opinion:
        fields["opinion"] = _file(args.opinion, "opinion").value
    if args.hearing:
        fields["hearing"] = args.hearing == "yes"
    if args.published_at:
        try:
            moment = datetime.fromisoformat(args.published_at.replace("Z", "+00:00"))
        except ValueError:
            fail("--published-at must be an ISO 8601 time, e.g. 2026-11-23T10:00+08:00")
        zoneless = moment.tzinfo is None
        if zoneless:
            moment = moment.replace(tzinfo=BEIJING)
        fields["published_at"] = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)  # exact
    matter_id = _matter_id(args.matter)
    with _client(args) as client:
        try:
            step = client.step(
                matter_id,
                args.stage,
                args.decision,
                after=_file(args.after, "--after file"),
                before=_file(args.before, "--before file") if args.before else None,
                next_stage=args.next,
                official=args.official,
                document_no=args.document_no,
                fields=fields,
            )
        except TiezhengError as exc:
            raise TiezhengError(step_refusal(exc, args.published_at if zoneless else None), code=exc.code) from None
        if not _sealed(client, step.id, f"{args.stage} {args.decision}"):
            return EXIT_OK
        matter = client.matter(matter_id)
    where = f"now at {matter.current}, due {_time(matter.stage_deadline)}" if matter.current else "closed"
    sys.stdout.write(f"{step.id}  {args.stage} {args.decision}: {where}\n")
    return EXIT_OK


def cmd_close(args: argparse.Namespace) -> int:
    matter_id = _matter_id(args.matter)
    with _client(args) as client:
        closed = client.close_matter(matter_id, args.outcome)
        if not _sealed(client, closed.id, "closing"):
            return EXIT_OK
    sys.stdout.write(f"{closed.id}  {matter_id} closed: {args.outcome}\n")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with Client(args.node) as client:
        matter = client.matter(_matter_id(args.matter))
    if args.json:
        sys.stdout.write(json.dumps(dict(matter.raw), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    color = sys.stdout.isatty()
    raw = matter.raw
    held_by = f" ({matter.current_agency})" if matter.current_agency else ""
    state = (
        f"at {matter.current}{held_by}, due {_time(matter.stage_deadline)}"
        if matter.current
        else (f"closed: {raw.get('outcome')}")
    )
    flag = "  OVERDUE" if raw["overdue"] else "  COMPLETED LATE" if raw.get("completed_late") is True else ""
    sys.stdout.write(f"{matter.id}  {matter.template}  {state}{flag}\n")
    if raw.get("deadline"):
        sys.stdout.write(f"  whole matter due {_time(raw['deadline'])}\n")
    for limit in matter.running:
        if limit["stage"] != matter.current:
            late = "  OVERDUE" if limit["overdue"] else ""
            since = f", counted from {limit['since']}" if limit.get("since") else ""
            sys.stdout.write(f"  {limit['stage']} due {_time(limit['deadline'])}{since}{late}\n")
    rows = [("stage", "decision", "agency", "sealed (UTC+8)", "deadline", "step", "")]
    # The opening and an early close are records of the trail too, as the explorer's timeline shows them.
    rows.append(("—", "opened", raw["owner"], _time(raw["opened"]), "", matter.id, ""))
    step_ids = {step["id"] for step in matter.steps}
    for step in matter.steps:  # their fields checked by MatterView.from_json
        late = "overdue" if step["overdue"] else "on time" if step.get("deadline") else ""
        rows.append(
            (
                step["stage"],
                step["decision"],
                step["agency"],
                _time(step["sealed"]),
                _time(step.get("deadline")),
                step["id"],
                late,
            )
        )
    latest = raw.get("latest")
    if raw.get("status") == "closed" and isinstance(latest, str) and latest not in step_ids | {matter.id}:
        closed = f"closed: {raw.get('outcome')}"
        rows.append(("—", closed, raw["owner"], _time(raw["closed"]), "", latest, ""))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  " + "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row))
        if color and row[-1] == "overdue":
            line = RED + line + RESET
        sys.stdout.write(line.rstrip() + "\n")
    if matter.alerts:
        sys.stdout.write(f"  alerts: {', '.join(matter.alerts)}\n")
    return EXIT_OK


def cmd_alerts(args: argparse.Namespace) -> int:
    filters = {
        k: v for k, v in (("status", args.status), ("severity", args.severity), ("agency", args.agency),
                          ("template", args.template)) if v
    }  # fmt: skip
    printed: set[tuple[Any, Any]] = set()  # (id, status) of what the listing showed
    watching = threading.Event()  # the stream was subscribed: losing the node from now on ends the watch

    def list_alerts() -> None:
        watching.set()
        for alert in reversed(client.alerts(**filters)):  # every page, oldest first
            _print_alert(alert, args.json)
            printed.add((alert.get("id"), alert.get("status")))
        sys.stdout.flush()

    with Client(args.node) as client:
        if not args.watch:
            list_alerts()
            return EXIT_OK
        try:
            # Listed once the stream is subscribed, so nothing raised in between is missed
            # (and what both the listing and the stream carry is printed once).
            for alert in client.watch_alerts(subscribed=list_alerts):
                if (alert.get("id"), alert.get("status")) in printed:
                    continue
                if all(_matches(alert, k, v) for k, v in filters.items()):
                    _print_alert(alert, args.json)
                    sys.stdout.flush()
        except KeyboardInterrupt:  # Ctrl-C is how a watch ends, as for receive-alerts: not a failure
            return EXIT_OK
        except StreamEnded:
            pass  # cut off mid-stream (the node killed, say), or ended as when it stops
        except NodeUnreachable:
            if not watching.is_set():
                raise  # never subscribed: the usual unreachable-node error
            # Gone while the listing was read, the stream just opened: it ended, as when the node stops.
    # Silence here would look like a quiet day; a watch that stopped must say so.
    raise TiezhengError(
        f"{args.node} ended the event stream (the node stopped or restarted): no longer watching alerts",
        code="stream-ended",
    )


def _matches(alert: Mapping[str, Any], name: str, wanted: str) -> bool:
    """Whether a streamed alert passes a filter as the node's listing applies it: a template by id or by hash."""
    if name == "template" and TEMPLATE_HASH.fullmatch(wanted):
        return str(alert.get("template_hash", "")).lower() == wanted.removeprefix("0x").lower()
    return alert.get(name) == wanted


TEMPLATE_HASH: Final = re.compile(r"(?:0x)?[0-9a-fA-F]{64}")

#: How long a delivery may take to arrive once it has begun (the node sends one alert, a few hundred bytes).
DELIVERY_READ_SECONDS: Final = 10.0


def cmd_receive_alerts(args: argparse.Namespace) -> int:
    host, colon, port_text = args.listen.rpartition(":")
    if not colon or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        fail("--listen must be HOST:PORT, e.g. 127.0.0.1:9000")
    public_key = _supervision_key(args)
    seen: set[str] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        # A sender that promises a body and stops sending ties up its thread for this long, not for ever.
        timeout = DELIVERY_READ_SECONDS

        def do_POST(self) -> None:
            length = self.headers.get("Content-Length", "")
            if not length.isdigit() or int(length) > MAX_ALERT_BODY:
                self.send_error(413 if length.isdigit() else 411)
                return
            body = self.rfile.read(int(length))
            if not verify_delivery(body, self.headers.get(SIGNATURE_HEADER, ""), public_key):
                sys.stderr.write(f"refused a delivery from {self.client_address[0]}: the signature does not verify\n")
                self.send_error(401, "bad signature")
                return
            try:
                alert = decode_json(body) if args.json else alert_from_json(decode_json(body))
            except BadResponseError as exc:
                sys.stderr.write(f"refused a delivery from {self.client_address[0]}: {exc.problem}\n")
                self.send_error(400, "not an alert")
                return
            # Deliveries are told apart by the alert's ID in the signed body: the Idempotency-Key
            # header is not signed, so anyone replaying a delivery could make it look new.
            key = alert.get("id") if isinstance(alert, Mapping) else None
            if not isinstance(key, str) or self.headers.get(IDEMPOTENCY_HEADER) != key:
                sys.stderr.write(f"refused a delivery from {self.client_address[0]}: Idempotency-Key is not its id\n")
                self.send_error(400, "Idempotency-Key is not the alert's id")
                return
            with lock:
                again = key in seen
                seen.add(key)
                if args.json:
                    sys.stdout.write(json.dumps(alert, ensure_ascii=False) + "\n")
                else:
                    _print_alert(alert, False, suffix="  (again)" if again else "")
                sys.stdout.flush()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            # A sender gone mid-request (a broken pipe, a reset, the read timeout): one line, not a traceback.
            reason = sys.exc_info()[1]
            sys.stderr.write(f"a delivery from {client_address[0]} broke off: {type(reason).__name__}\n")

    try:
        server = Server((host, int(port_text)), Handler)
    except OSError as exc:
        fail(f"cannot listen on {args.listen}: {exc.strerror}")
    bound_port = server.server_address[1]
    where = f"http://{host}:{bound_port}/" if host not in ("", "0.0.0.0") else f"port {bound_port} on every interface"
    sys.stderr.write(f"receiving alerts at {where} (key {public_key.key_id.hex()[:16]}…); Ctrl-C stops\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def _supervision_key(args: argparse.Namespace) -> SM2PublicKey:
    if args.public_key:
        source = Path(args.public_key)
        try:
            if source.exists():
                return SM2PublicKey.load(source)
            return SM2PublicKey.from_bytes(bytes.fromhex(args.public_key))
        except ValueError:
            fail("--public-key must be a PEM file or a hex SM2 point")
    with Client(args.node) as client:
        supervision = client.supervision()
    if supervision.get("public_key") is None:
        fail(f"{args.node} raises no alerts (it runs without a supervision key)")
    return SM2PublicKey.from_bytes(bytes.fromhex(supervision["public_key"]))


def _print_alert(alert: Mapping[str, Any], as_json: bool, *, suffix: str = "") -> None:
    """An alert, its fields checked by ``alert_from_json`` (as the SDK does for the alerts it returns)."""
    if as_json:
        sys.stdout.write(json.dumps(dict(alert), ensure_ascii=False) + "\n")
        return
    what = f"stage {alert.get('stage')}" if alert["scope"] == "stage" else "the whole matter"
    mark = "RED" if alert["severity"] == "red" else "warning"
    line = (
        f"{alert['id']}  {mark:7}  {alert['status']:12}  {alert['matter']}  {alert['template']}  {what}  "
        f"{alert['agency']}  due {_time(alert['deadline'])}"
    )
    line += suffix
    if alert["severity"] == "red" and sys.stdout.isatty():
        line = RED + line + RESET
    sys.stdout.write(line + "\n")


#: The statement fields a step's options fill: the node's refusals name the field, the clerk typed the option.
OPTION_OF_FIELD: Final = {
    "meta.next": "--next",
    "meta.document_no": "--document-no",
    "meta.hearing": "--hearing",
    "meta.published_at": "--published-at",
    "meta.opinion": "--opinion",
}


def step_refusal(refused: TiezhengError, zoneless_published_at: str | None) -> str:
    """A refused step's message as the clerk typed it: options named, and a time read without a zone said so."""
    message = in_options(refused.message)
    if refused.code == "time-order" and "published_at" in refused.message and zoneless_published_at:
        message += f" (--published-at {zoneless_published_at} has no zone: read as China Standard Time, UTC+08:00)"
    return message


def in_options(message: str) -> str:
    """A refusal naming statement fields, each with the option that gives it: "--document-no (meta.document_no)"."""
    for field, option in OPTION_OF_FIELD.items():
        message = re.sub(rf"(?<![\w.]){re.escape(field)}(?!\w)", f"{option} ({field})", message)
    return message


def _time(milliseconds: int | None) -> str:
    if milliseconds is None:
        return "—"
    try:
        moment = datetime.fromtimestamp(milliseconds / 1000, tz=UTC).astimezone(BEIJING)
        return moment.strftime("%Y-%m-%d %H:%M:%S")  # seconds: a drill's stages last a minute
    except (ValueError, OverflowError):  # past year 9999, as a statement may claim
        return f"{milliseconds} ms"


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)
