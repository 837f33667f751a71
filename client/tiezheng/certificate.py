"""The evidence certificate (存证证书): a printable page from a receipt, in PDF or HTML.

Everything on it comes from the receipt (and, when given, the genesis, which
supplies validator names and lets the page say whether the receipt verified).
It carries a QR code with the evidence ID and a verification URL, Chinese and
English labels, and how to verify the record independently of anyone's server.
"""

from __future__ import annotations

import html
import io
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Final

import segno

from .beijing import BEIJING
from .errors import TiezhengError
from .files import open_regular
from .genesis import Genesis
from .header import ConsensusHeader
from .receipt import Receipt
from .statement import KINDS, Statement
from .verifier import Verdict, verify_receipt


@dataclass(frozen=True)
class CertificateFacts:
    evidence_id: str
    digest: str
    agency: str
    kind: str
    stage: str | None
    claimed: str
    height: int
    block_time: str
    log_size: int
    log_root: str
    chain: str
    genesis_hash: str
    sealed_by: list[str]
    verdict: str
    verify_url: str
    signers: list[str]


@dataclass(frozen=True)
class Registration:
    """What the chain's registry says of the agency now: not in the receipt, so only a node can add it."""

    name: str
    revoked_at: int | None = None  # the block height of its revocation, if revoked


def facts(
    receipt: Receipt, genesis: Genesis | None, verify_url: str, registration: Registration | None = None
) -> CertificateFacts:
    statement = Statement.from_cbor(receipt.statement)
    header = ConsensusHeader.from_cbor(receipt.header)
    verdict: Verdict | None = verify_receipt(receipt, genesis) if genesis is not None else None
    if verdict is not None and verdict.valid:
        # Named from the set that sealed the block (after hand-overs, not the genesis's), and only
        # once the receipt verifies against the genesis: another's names would be false.
        sealed_by = list(verdict.sealed_by)
    else:
        sealed_by = [f"validator #{s.validator}" for s in receipt.seals]
    if verdict is None:
        verdict_text = "未在本机验证 — 请按下方步骤验证 / not verified here: verify as described below"
    elif verdict.valid:
        verdict_text = (
            "回执离线验证通过（本证书未核对文件本身）/ receipt VALID offline against the genesis"
            " (the file itself is not checked by this certificate)"
        )
    else:
        assert verdict.failed is not None
        verdict_text = f"验证未通过 / INVALID: {verdict.failed.name} — {verdict.failed.detail}"
    kind = statement.kind + (f" ({KINDS[statement.kind].split(' — ')[0]})" if statement.kind in KINDS else "")
    signatures = receipt.signatures or (receipt.batch.signatures if receipt.batch is not None else ())
    if receipt.batch is not None and not statement.cosigners:
        # An older record's batch header may name co-signers its statement does not: the log never held them.
        signatures = signatures[:1]
    # Each signer by its role and its key's id, which a court compares with the key the agency registered.
    signers = [f"{s.role} ({s.public_key.key_id.hex()[:16]}…)" for s in signatures]
    agency = statement.agency
    if registration is not None:
        agency = f"{agency} · {registration.name}"
        if registration.revoked_at is not None:
            agency += (
                f"（已于区块 {registration.revoked_at} 撤销登记；撤销前受理的存证仍然有效 / registration revoked at "
                f"block {registration.revoked_at}; records admitted before it remain valid）"
            )
    separator = "&" if "?" in verify_url else "?"
    return CertificateFacts(
        evidence_id=receipt.evidence_id,
        digest=statement.digest.hex(),
        agency=agency,
        kind=kind,
        stage=statement.stage,
        claimed=_time(statement.time),
        height=header.height,
        block_time=_time(header.time),
        log_size=header.log_size,
        log_root=header.log_root.hex(),
        chain=f"{receipt.chain.chain_code} (chain id {receipt.chain.chain_id})",
        genesis_hash=receipt.chain.genesis_hash.hex(),
        sealed_by=sealed_by,
        verdict=verdict_text,
        verify_url=f"{verify_url}{separator}id={receipt.evidence_id}",
        signers=signers,
    )


def _time(milliseconds: int) -> str:
    """Beijing and UTC time; the plain count past year 9999, which a statement (2^53 ms) or header may claim."""
    try:
        moment = datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
        beijing = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, OverflowError):
        return f"{milliseconds} ms since 1970-01-01T00:00:00Z (after the year 9999)"
    return f"{beijing} (UTC+08:00) / {moment.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z"


def _rows(f: CertificateFacts) -> list[tuple[str, str]]:
    return [
        ("存证编号 Evidence ID", f.evidence_id),
        ("文件摘要 Record digest (SM3)", f.digest),
        ("存证机构 Agency", f.agency),
        ("存证类型 Kind", f.kind),
        ("办理环节 Stage", f.stage or "—"),
        ("签名方 Signed by", ", ".join(f.signers) or "—"),
        ("机构申报时间 Claimed time", f.claimed),
        ("区块高度 Block height", str(f.height)),
        ("上链时间 Block time", f.block_time),
        ("日志规模 Log size", f"{f.log_size:,}"),
        ("日志根 Log root (SM3)", f.log_root),
        ("链 Chain", f.chain),
        ("创世哈希 Genesis hash (SM3)", f.genesis_hash),
        ("共识签名 Sealed by (SM2)", ", ".join(f.sealed_by)),
        ("验证结论 Verification", f.verdict),
    ]


HOW_TO_VERIFY: Final = [
    "1. 计算文件的 SM3 摘要，与上方“文件摘要”比对。 Compute the file's SM3 digest and compare it with the digest above "
    "(tiezheng hash FILE, or openssl dgst -sm3 FILE).",
    "2. 用可信的创世文件离线验证回执：tiezheng verify FILE RECEIPT --genesis GENESIS。 Verify the receipt offline "
    "against a genesis you trust; it checks the agency's SM2 signature, the inclusion proof to the SM3 log root and "
    "the validators' SM2 seals, and needs no network.",
    "3. 或扫描二维码，在核验页面选择文件与回执：文件只在本地计算摘要，不会上传。 "
    "Or scan the QR code and choose the file and receipt on the verification page: "
    "the file is hashed in the browser and never uploaded.",
]


def render_html(f: CertificateFacts) -> str:
    qr = segno.make(f.verify_url, error="m").svg_inline(scale=4)
    rows = "\n".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>" for label, value in _rows(f)
    )
    steps = "\n".join(f"<li>{html.escape(step[3:])}</li>" for step in HOW_TO_VERIFY)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>存证证书 {html.escape(f.evidence_id)}</title>
<style>
  body {{ font-family: "Noto Serif CJK SC", "Songti SC", SimSun, serif;
         margin: 2.5em auto; max-width: 52em; color: #111; }}
  h1 {{ text-align: center; letter-spacing: .2em; margin-bottom: 0; }}
  .subtitle {{ text-align: center; margin-top: .2em; color: #444; }}
  table {{ border-collapse: collapse; width: 100%; margin: 1.5em 0; }}
  th, td {{ border: 1px solid #999; padding: .45em .6em; text-align: left; vertical-align: top; }}
  th {{ width: 15em; background: #f4f4f4; font-weight: normal; }}
  td {{ font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }}
  .qr {{ float: right; margin-left: 1em; text-align: center; font-size: .8em; }}
  @media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<h1>区块链存证证书</h1>
<p class="subtitle">Blockchain Evidence Certificate · 铁证 Tiezheng</p>
<div class="qr">{qr}<br>{html.escape(f.verify_url)}</div>
<table>
{rows}
</table>
<h2>如何独立验证 / How to verify independently</h2>
<ol>
{steps}
</ol>
</body>
</html>
"""


CJK_FONT_ENV: Final = "TIEZHENG_CJK_FONT"
#: TrueType fonts with Chinese glyphs, looked for in this order (Debian's fonts-droid-fallback first).
CJK_FONT_CANDIDATES: Final = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)


def cjk_font_path() -> Path | None:
    """The TrueType font to embed for Chinese text: ``$TIEZHENG_CJK_FONT`` or the first candidate present."""
    configured = os.environ.get(CJK_FONT_ENV)
    if configured:
        return Path(configured)
    return next((Path(p) for p in CJK_FONT_CANDIDATES if Path(p).is_file()), None)


#: The largest font file read: CJK collections run to tens of MiB; a file far past that is no font.
MAX_FONT_SIZE: Final = 256 << 20


class FontError(TiezhengError):
    """The CJK font to embed cannot be read, or is not a TrueType font reportlab can embed."""

    code = "bad-font"


def _register_cjk_font(pdfmetrics: Any, ttfont: Any, cidfont: Any) -> str:
    """Embed a real CJK font, so the certificate prints the same everywhere; else Adobe's CID font by name."""
    path = cjk_font_path()
    if path is not None:
        named = f"${CJK_FONT_ENV} names {path}" if os.environ.get(CJK_FONT_ENV) else f"the CJK font {path}"
        try:  # read here, once (a pipe is read as written), so that a failure says why, not "Can't open file"
            with open_regular(path) as handle:
                data = handle.read(MAX_FONT_SIZE + 1)
        except OSError as exc:
            reason = "it is a folder" if isinstance(exc, IsADirectoryError) else exc.strerror or str(exc)
            raise FontError(f"cannot read the font: {named}: {reason}", code="unreadable") from None
        if len(data) > MAX_FONT_SIZE:
            raise FontError(f"{named}, larger than {MAX_FONT_SIZE >> 20} MiB: not a font to embed")
        font_file = io.BytesIO(data)
        font_file.name = str(path)
        try:
            font = ttfont("TiezhengCJK", font_file, subfontIndex=0)
        except Exception as exc:  # a font parser meets any bytes: each failure it raises is the font's
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise FontError(f"{named}, which is not a TrueType font that can be embedded: {reason}") from None
        pdfmetrics.registerFont(font)
        return "TiezhengCJK"
    sys.stderr.write(
        "tiezheng: warning: no CJK TrueType font found to embed; viewers without Adobe's Asian fonts will not "
        f"show the Chinese text (install fonts-droid-fallback, or set ${CJK_FONT_ENV})\n"
    )
    pdfmetrics.registerFont(cidfont("STSong-Light"))
    return "STSong-Light"


def render_pdf(f: CertificateFacts, path: Path | BinaryIO) -> None:
    """Write the certificate as PDF to a file path, or to a binary stream."""
    # reportlab is imported here, not at the top: it takes a quarter of a second, and
    # every other command of the CLI would pay for it.
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    cjk = _register_cjk_font(pdfmetrics, TTFont, UnicodeCIDFont)

    def text(value: str) -> str:
        """Paragraph markup: CJK runs in the embedded CJK font, the rest in Helvetica (which the CJK font may lack)."""
        runs, current, is_cjk = [], "", False
        for char in value:
            wide = ord(char) >= 0x2E80
            if current and wide != is_cjk:
                runs.append((current, is_cjk))
                current = ""
            current += char
            is_cjk = wide
        if current:
            runs.append((current, is_cjk))
        return "".join(f'<font name="{cjk}">{html.escape(r)}</font>' if wide else html.escape(r) for r, wide in runs)

    title = ParagraphStyle("title", fontName="Helvetica", fontSize=20, leading=26, alignment=1)
    subtitle = ParagraphStyle("subtitle", fontName="Helvetica", fontSize=10, leading=14, alignment=1)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=11, wordWrap="CJK")
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=13, wordWrap="CJK")

    class QrFlowable(Flowable):
        def __init__(self, data: str, size: float) -> None:
            super().__init__()
            self.data, self.size = data, size

        def wrap(self, *_: float) -> tuple[float, float]:
            return self.size, self.size

        def draw(self) -> None:
            widget = QrCodeWidget(self.data)
            x0, y0, x1, y1 = widget.getBounds()
            drawing = Drawing(
                self.size, self.size, transform=[self.size / (x1 - x0), 0, 0, self.size / (y1 - y0), 0, 0]
            )
            drawing.add(widget)
            renderPDF.draw(drawing, self.canv, 0, 0)

    rows = [[Paragraph(text(label), cell), Paragraph(text(value), cell)] for label, value in _rows(f)]
    table = Table(rows, colWidths=[48 * mm, 120 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#999999"),
                ("BACKGROUND", (0, 0), (0, -1), "#f4f4f4"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list[Flowable] = [
        Paragraph(text("区块链存证证书"), title),
        Paragraph(text("Blockchain Evidence Certificate · 铁证 Tiezheng"), subtitle),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 5 * mm),
        Table(
            [[QrFlowable(f.verify_url, 32 * mm), Paragraph(text(f.verify_url), body)]],
            colWidths=[38 * mm, 130 * mm],
        ),
        Spacer(1, 4 * mm),
        Paragraph(text("如何独立验证 / How to verify independently"), body),
    ]
    story += [Paragraph(text(step), body) for step in HOW_TO_VERIFY]
    document = SimpleDocTemplate(
        str(path) if isinstance(path, Path) else path,
        pagesize=A4,
        title=f"存证证书 {f.evidence_id}",
        author="Tiezheng",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    document.build(story)
