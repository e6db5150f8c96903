"""Static checks that fail CI: project semgrep rules (no network) and bandit.

The rules live in .semgrep/portal.yml. A fixture of deliberately bad code proves
each rule fires, so an always-green rule set would fail here.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEMGREP = shutil.which("semgrep", path=str(BIN)) or shutil.which("semgrep")
BANDIT = shutil.which("bandit", path=str(BIN)) or shutil.which("bandit")
FIXTURES = Path(__file__).parent / "semgrep_fixtures"
APPS = ["portal", "contracts", "orders", "invoices", "statements", "inventory", "requests_inbox"]


def _semgrep(target: Path, *excludes: str, cwd: Path = ROOT) -> list[dict]:
    assert SEMGREP, "semgrep is a dev dependency (make test installs it)"
    cmd = [
        SEMGREP,
        "scan",
        "--config",
        str(ROOT / ".semgrep" / "portal.yml"),
        "--metrics=off",
        "--disable-version-check",
        "--json",
        "--quiet",
        "--no-git-ignore",
    ]
    for exclude in (".venv", "static/vendor", "var", "node_modules", *excludes):
        cmd += ["--exclude", exclude]
    result = subprocess.run(
        [*cmd, str(target)], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stdout)["results"]


def test_project_has_no_semgrep_findings():
    findings = _semgrep(ROOT, "semgrep_fixtures")
    readable = [
        f"{f['path']}:{f['start']['line']} {f['check_id'].rsplit('.', 1)[-1]}" for f in findings
    ]
    assert readable == []


def test_every_rule_fires_on_bad_code(tmp_path):
    # semgrep skips tests/ folders by default: scan a copy of the fixture elsewhere
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    findings = _semgrep(Path("."), cwd=tmp_path / "fixtures")
    rules = sorted({f["check_id"].rsplit(".", 1)[-1] for f in findings})
    assert rules == [
        "csrf-exempt",
        "mark-safe-on-data",
        "redirect-to-unvalidated-input",
        "unscoped-object-lookup-in-view",
    ]
    bad_lines = [
        n
        for n, line in enumerate((FIXTURES / "badapp" / "views.py").read_text().splitlines(), 1)
        if "# BAD" in line
    ]
    assert set(bad_lines) <= {f["start"]["line"] for f in findings}


def test_bandit_reports_no_medium_or_high_finding():
    assert BANDIT, "bandit is a dev dependency (make test installs it)"
    result = subprocess.run(
        [
            BANDIT,
            "-r",
            *APPS,
            "-f",
            "json",
            "-q",
            "--severity-level",
            "medium",
            "-x",
            ",".join(f"./{a}/migrations" for a in APPS),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    report = json.loads(result.stdout or "{}")
    issues = [
        f"{i['filename']}:{i['line_number']} {i['test_id']} {i['issue_text']}"
        for i in report.get("results", [])
    ]
    assert issues == []
