"""Writing a dossier directory and verifying it: every file hashed in manifest.json.

Files are written to a temporary directory beside DIR and moved into place only when all
are written, so a failure leaves nothing half-written. The dossier hash covers
dossier.json, chain.svg and evidence/ (the content); the HTML and PDF carry it in their
footer and are hashed in turn; the manifest's own hash is of its body without that field.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version as pkg_version
from pathlib import Path

from tollwatch.app.dossier import build_dossier
from tollwatch.app.visibility import Store
from tollwatch.core.errors import InputError
from tollwatch.core.model import Sensitivity

MANIFEST = "manifest.json"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _evidence_files(store: Store, content: dict) -> dict[str, str]:
    """Public sources only: their stored text where it is not a news article's (copyright), else the citation."""
    ids = [d["id"] for d in content["documents"] if not d["redacted"]]
    out = {}
    with store.read(Sensitivity.PUBLIC) as r:
        for s in r.sources_by_id(ids).values():
            head = f"{s.title}\n{s.publisher or ''} {s.date or ''}\n{s.url or 'no URL'}\nsource id {s.id}; sha256 of stored text {s.sha256 or '—'}\n"
            if s.text and s.kind.value != "news":
                out[f"evidence/{s.id}.txt"] = head + f"stored text ({s.text_kind.value}):\n\n" + s.text
            else:
                out[f"evidence/{s.id}.txt"] = head + "text not included (copyrighted or not stored): see the citation above\n"
    return out


def _content_hash(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}\0{_sha(files[name])}\n".encode())
    return h.hexdigest()


def write_dossier(store: Store, target: str, out_dir: Path, *, purpose: str = "research", include_proposed: bool = False,
                  role: str | None = None, builder: str | None = None, pdf: bool = True) -> dict:
    """Build and write the dossier; returns the manifest."""
    from tollwatch.app.chain import chain_svg_for
    from tollwatch.writers.dossier import render_html, write_pdf

    content = build_dossier(store, target, purpose=purpose, include_proposed=include_proposed, role=role)
    with store.read(Sensitivity.PUBLIC) as pub:
        svg = chain_svg_for(pub, content["focus"]["id"], include_proposed=include_proposed, entity_href="#party-{entity}", claim_href="#{claim}")
    files: dict[str, bytes] = {k: v.encode() for k, v in _evidence_files(store, content).items()}
    files["dossier.json"] = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()
    files["chain.svg"] = svg.encode()
    dossier_hash = _content_hash(files)
    builder = builder or os.environ.get("TOLLWATCH_USER") or getpass.getuser()
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    version = pkg_version("tollwatch")
    html = render_html(content, svg, dossier_hash=dossier_hash, version=version, builder=builder, built_at=built_at)
    files["dossier.html"] = html.encode()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".dossier-", dir=out_dir.parent))
    try:
        for name, data in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
        if pdf:
            write_pdf(html, tmp / "dossier.pdf")
            files["dossier.pdf"] = (tmp / "dossier.pdf").read_bytes()
        manifest = {
            "tollwatch_version": version, "builder": builder, "built_at": built_at, "target": target, "purpose": purpose,
            "dossier_sha256": dossier_hash, "files": {n: _sha(b) for n, b in sorted(files.items())},
            "lists": content["lists"], "evidence_version": content["evidence_version"],
            "withdrawn": content["withdrawn"], "redactions": len(content["redactions"]),
        }
        manifest["manifest_sha256"] = _sha(json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode())
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def verify_dossier(out_dir: Path) -> list[str]:
    """Problems found, one line each naming the file; empty when every hash holds."""
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed: dict[str, str] = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable manifest ({exc.__class__.__name__})", path=str(path)) from None
    problems = []
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    if _sha(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()) != manifest.get("manifest_sha256"):
        problems.append(f"{MANIFEST}: its own hash does not match its content")
    present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()} - {MANIFEST}
    for name in sorted(set(listed) | present):
        if name not in listed:
            problems.append(f"{name}: not listed in the manifest")
        elif name not in present:
            problems.append(f"{name}: missing")
        elif _sha((out_dir / name).read_bytes()) != listed[name]:
            problems.append(f"{name}: changed (SHA-256 differs from the manifest)")
    content = {n: (out_dir / n).read_bytes() for n in listed if n not in ("dossier.html", "dossier.pdf") and n in present}
    if _content_hash(content) != manifest.get("dossier_sha256"):
        problems.append("dossier hash: dossier.json, chain.svg or evidence/ no longer give the hash the HTML and PDF carry")
    return problems
