"""PDF from the generated .docx through LibreOffice, when it is installed.

LibreOffice is optional: an office without it still gets the docx and xlsx, and the caller
gets a clear Chinese reason instead of a half-written file. The converter is found on PATH
(``soffice`` or ``libreoffice``); ``search_path`` lets the caller say where else to look.

Fonts: the docx names the 公文 fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312), which a
Linux server rarely has. Left alone, fontconfig picks its default CJK face, a Japanese sans,
so the PDF looked neither official nor Chinese. The conversion therefore runs with a
fontconfig file that, after the system's, maps those names to Noto Serif CJK SC (Debian's
fonts-noto-cjk; 黑体 to Noto Sans CJK SC) when the real font is missing: a machine that has
the real fonts still uses them. A missing serif face is said in ``warnings_zh``, not hidden.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from govwatch.engine.outputs import atomic_files

CANDIDATES = ("soffice", "libreoffice")
NOT_INSTALLED_ZH = (
    "未安装 LibreOffice（PATH 中没有 soffice 或 libreoffice），无法生成 PDF；docx 和 xlsx 已生成。"
)


SERIF_CJK = "Noto Serif CJK SC"
SANS_CJK = "Noto Sans CJK SC"
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"
# 公文 font name -> (stand-in family, bold): 小标宋 is a heavy Song, so its stand-in is bold.
FONT_STAND_INS = {
    "仿宋_GB2312": (SERIF_CJK, False),
    "仿宋": (SERIF_CJK, False),
    "方正小标宋简体": (SERIF_CJK, True),
    "宋体": (SERIF_CJK, False),
    "楷体_GB2312": (SERIF_CJK, False),
    "楷体": (SERIF_CJK, False),
    "黑体": (SANS_CJK, False),
}
SERIF_MISSING_ZH = (
    f"未安装中文衬线字体 {SERIF_CJK}（Debian 软件包 fonts-noto-cjk），"
    "PDF 中的仿宋、小标宋等字体将由系统默认字体代替，版式可能与公文要求不符"
)


@dataclass(frozen=True)
class PdfResult:
    path: Path | None
    message_zh: str
    warnings_zh: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.path is not None


def find_converter(search_path: str | None = None) -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return None


@cache
def chinese_families() -> frozenset[str] | None:
    """Font families fontconfig has for Chinese, or None when fc-list is not there."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    done = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=False
    )
    return frozenset(name.strip() for line in done.stdout.splitlines() for name in line.split(","))


def font_warnings(families: frozenset[str] | None = None) -> tuple[str, ...]:
    """Why the PDF will not look like a 公文, if it will not."""
    known = chinese_families() if families is None else families
    if known is None:
        return ("找不到 fc-list（fontconfig），无法确认是否安装了中文衬线字体",)
    return () if SERIF_CJK in known else (SERIF_MISSING_ZH,)


def fontconfig_text(system: str) -> str:
    """A fontconfig file: the system's (SYSTEM), then the 公文 names' stand-ins."""
    rules = []
    for name, (family, bold) in FONT_STAND_INS.items():
        rules.append(
            f'  <alias binding="strong"><family>{escape(name)}</family>'
            f"<accept><family>{family}</family></accept></alias>"
        )
        if bold:
            rules.append(
                f'  <match target="pattern"><test name="family"><string>{escape(name)}'
                '</string></test><edit name="weight" mode="assign"><const>bold</const></edit>'
                "</match>"
            )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f'<fontconfig>\n  <include ignore_missing="yes">{escape(system)}</include>\n'
        + "\n".join(rules)
        + "\n</fontconfig>\n"
    )


def docx_to_pdf(
    docx: Path,
    out_dir: Path,
    *,
    name: str | None = None,
    search_path: str | None = None,
    timeout: float = 180.0,
) -> PdfResult:
    """Convert DOCX to OUT_DIR/NAME (default: the docx's stem + .pdf).

    LibreOffice writes into a private folder and only a finished file reaches the target,
    so the target is either absent or whole.
    """
    converter = find_converter(search_path)
    if converter is None:
        return PdfResult(None, NOT_INSTALLED_ZH)
    target = out_dir / (name or docx.stem + ".pdf")
    # A private folder for the profile (a second LibreOffice run would otherwise wait on the
    # lock of the user's profile, or of a desktop instance, and never convert) and for the
    # output, which LibreOffice writes in place and may leave half-written.
    with tempfile.TemporaryDirectory(prefix="govwatch-lo-") as private:
        made = Path(private) / (docx.stem + ".pdf")
        fonts = Path(private) / "fonts.conf"
        system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG
        fonts.write_text(fontconfig_text(system), encoding="utf-8")
        environment = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
        command = [
            converter,
            f"-env:UserInstallation=file://{(Path(private) / 'profile').resolve()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(made.parent),
            str(docx),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                env=environment,
            )
        except subprocess.TimeoutExpired:
            return PdfResult(None, f"LibreOffice 转换超时（{timeout:.0f} 秒），未生成 PDF。")
        if done.returncode != 0 or not made.exists():
            detail = (done.stderr or done.stdout).strip()[:300]
            return PdfResult(None, f"LibreOffice 转换失败（退出码 {done.returncode}）：{detail}")
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_files(target) as (temp,):
            shutil.move(made, temp)  # a copy when /tmp is another file system
    warnings = font_warnings()
    message = "已生成 PDF。" if not warnings else f"已生成 PDF（{warnings[0]}）。"
    return PdfResult(target, message, warnings)
