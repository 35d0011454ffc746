"""PDF from the generated .docx through LibreOffice, when it is installed.

LibreOffice is optional: an office without it still gets the docx and xlsx, and the caller
gets a clear Chinese reason instead of a half-written file. The converter is found on PATH
(``soffice`` or ``libreoffice``); ``search_path`` lets the caller say where else to look.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from govwatch.engine.outputs import atomic_files

CANDIDATES = ("soffice", "libreoffice")
NOT_INSTALLED_ZH = (
    "未安装 LibreOffice（PATH 中没有 soffice 或 libreoffice），无法生成 PDF；docx 和 xlsx 已生成。"
)


@dataclass(frozen=True)
class PdfResult:
    path: Path | None
    message_zh: str

    @property
    def ok(self) -> bool:
        return self.path is not None


def find_converter(search_path: str | None = None) -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return None


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
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return PdfResult(None, f"LibreOffice 转换超时（{timeout:.0f} 秒），未生成 PDF。")
        if done.returncode != 0 or not made.exists():
            detail = (done.stderr or done.stdout).strip()[:300]
            return PdfResult(None, f"LibreOffice 转换失败（退出码 {done.returncode}）：{detail}")
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_files(target) as (temp,):
            shutil.move(made, temp)  # a copy when /tmp is another file system
    return PdfResult(target, "已生成 PDF。")
