"""atomic_files: a set of output files appears whole, or nothing of it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from govwatch.engine.outputs import atomic_files
from govwatch.engine.reports.pdf import docx_to_pdf


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_success_renames_every_file_into_place(tmp_path: Path) -> None:
    docx, xlsx = tmp_path / "通报.docx", tmp_path / "附件.xlsx"
    docx.write_bytes(b"last quarter")
    with atomic_files(docx, xlsx) as (docx_temp, xlsx_temp):
        assert docx_temp.parent == tmp_path and docx_temp.suffix == ".docx"
        docx_temp.write_bytes(b"new docx")
        xlsx_temp.write_bytes(b"new xlsx")
        assert docx.read_bytes() == b"last quarter"  # nothing moves before the block ends
    assert (docx.read_bytes(), xlsx.read_bytes()) == (b"new docx", b"new xlsx")
    assert names(tmp_path) == ["通报.docx", "附件.xlsx"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failure_in_the_middle_leaves_nothing_and_keeps_the_older_file(
    tmp_path: Path, error: type[BaseException]
) -> None:
    docx, xlsx = tmp_path / "通报.docx", tmp_path / "附件.xlsx"
    docx.write_bytes(b"last quarter")
    with pytest.raises(error), atomic_files(docx, xlsx) as (docx_temp, xlsx_temp):
        docx_temp.write_bytes(b"new docx")
        xlsx_temp.write_bytes(b"half an xl")
        raise error
    assert docx.read_bytes() == b"last quarter"
    assert names(tmp_path) == ["通报.docx"]  # no new file, no temporary file


def test_a_file_the_block_did_not_write_is_not_left_from_an_older_run(tmp_path: Path) -> None:
    docx, pdf = tmp_path / "通报.docx", tmp_path / "通报.pdf"
    pdf.write_bytes(b"last quarter's pdf")
    with atomic_files(docx, pdf) as (docx_temp, _):
        docx_temp.write_bytes(b"new docx")  # no converter: the pdf is not made
    assert names(tmp_path) == ["通报.docx"]  # an old pdf beside the new docx would disagree


def converter(folder: Path, exit_code: int) -> str:
    """A stand-in for LibreOffice on PATH: writes a pdf into --outdir, then exits."""
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'name=$(basename "$3" .docx)\n'
        f'printf "%%PDF-1.7 half" > "$2/$name.pdf"\nexit {exit_code}\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(folder)


@pytest.mark.parametrize("exit_code", [0, 1])
def test_pdf_reaches_the_folder_only_whole(tmp_path: Path, exit_code: int) -> None:
    docx, out = tmp_path / "通报.docx", tmp_path / "out"
    docx.write_bytes(b"docx")
    out.mkdir()
    result = docx_to_pdf(docx, out, search_path=converter(tmp_path / "bin", exit_code))
    assert result.ok is (exit_code == 0), result.message_zh
    assert names(out) == (["通报.pdf"] if exit_code == 0 else [])  # a failed run leaves nothing
