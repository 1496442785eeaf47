"""Issue 14, hardening round two: each defect the field test found, reproduced as it was attacked.

Signals, pipes, encodings and terminals are exercised on real processes (`python -m trdcli`);
the rest through Typer's CliRunner. Self-contained: the environment is pinned by the fixture
below, so the file does not depend on conftest.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trdcli.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HISTORY = ROOT / "examples" / "history.yaml"
LINUX = sys.platform.startswith("linux") and Path("/proc/self/status").exists()


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path_factory.mktemp("cache")
    for var in ("TRD_KB", "TRD_PAGER", "PAGER", "TRD_DEBUG", "TRD_NO_CACHE", "FORCE_COLOR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TRD_CACHE_DIR", str(cache))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def proc_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("_TYPER_FORCE_DISABLE_TERMINAL", None)
    env.update(extra)
    return env


def trd(*args: str, stdin: bytes | None = None, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "trdcli", *args], input=stdin, capture_output=True, timeout=timeout, env=proc_env(**env)
    )


@pytest.fixture()
def kb(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge base to break."""
    dest = tmp_path / "kb"
    shutil.copytree(DATA, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate_errors(kb: Path) -> str:
    code, out, err = cli("validate", str(kb))
    assert code == 1, out + err
    return "\n".join(line for line in out.splitlines() if line.startswith("error"))


# =========================================================================== console and signals

COMMANDS = [
    ("options", "-n", "2"),
    ("show", "ect"),
    ("compare", "ect", "lithium"),
    ("search", "akathisia"),
    ("stage", "--history", str(HISTORY)),
    ("refs",),
]


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_broken_pipe_exits_0_silently(command: tuple[str, ...], fmt: str) -> None:
    """`trd options -n 2 --format table | head -1` exited 1 (Rich's SystemExit(1)); now 0, nothing on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before trd writes a byte
    try:
        done = subprocess.run(
            [sys.executable, "-m", "trdcli", *command, "--format", fmt],
            stdout=write_end, stderr=subprocess.PIPE, timeout=60, env=proc_env(),
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json", "vancouver"])
def test_broken_pipe_exports(fmt: str) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "trdcli", "refs", "--format", fmt], stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60, env=proc_env())
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")


def _caught(pid: int, signum: int) -> bool:
    try:
        if b"trdcli" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return False  # not yet exec'd: the mask is still the parent's
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    mask = next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1]
    return bool(int(mask, 16) & (1 << (signum - 1)))


@pytest.mark.skipif(not LINUX, reason="reads the signal mask from /proc")
@pytest.mark.parametrize("after", [0.0, 0.01, 0.03, 0.06, 0.1, 0.2])
def test_ctrl_c_at_any_moment(after: float) -> None:
    """Ctrl-C in the first ~70 ms printed a traceback from `import typer`; now "Interrupted." and 130.

    The moment is measured from when trd's entry module has run (Python itself installs no SIGTERM
    handler, trd does, just before it imports the CLI), so `after=0` lands inside `import typer`.
    """
    p = subprocess.Popen([sys.executable, "-m", "trdcli", "options", "-n", "2"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=proc_env(TRD_NO_CACHE="1"))
    deadline = time.monotonic() + 0.05  # without the entry module: interrupt at 50 ms, inside the imports
    while not _caught(p.pid, signal.SIGTERM) and time.monotonic() < deadline:
        time.sleep(0.0005)
    time.sleep(after)
    p.send_signal(signal.SIGINT)
    assert p.stderr is not None
    err = p.stderr.read().decode()
    code = p.wait(timeout=60)
    if code in (0, -signal.SIGINT):  # finished, or shutting down (Python restores the default handler): nothing to check
        assert "Traceback" not in err
        return
    assert "Traceback" not in err
    assert err.strip().endswith("Interrupted.")
    assert code == 130


def test_keyboard_interrupt_inside_a_command_is_130() -> None:
    from trdcli import _entry

    assert _entry.INTERRUPTED == 130
    with pytest.raises(SystemExit) as exc:
        _entry._on_sigint(signal.SIGINT, None)
    assert exc.value.code == 130
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.mark.skipif(not LINUX, reason="reads the signal mask from /proc")
def test_sigterm_runs_cleanup_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM during a cold run left a 500 KB temporary file; now SystemExit, `finally` removes it."""
    cache = tmp_path / "c"
    for delay in (0.0, 0.05, 0.1, 0.2):
        p = subprocess.Popen([sys.executable, "-m", "trdcli", "options"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=proc_env(TRD_CACHE_DIR=str(cache)))
        deadline = time.monotonic() + 5
        while not _caught(p.pid, signal.SIGTERM) and time.monotonic() < deadline:
            time.sleep(0.0005)
        assert _caught(p.pid, signal.SIGTERM), "trd installs no SIGTERM handler: a SIGTERM skips every `finally`"
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        assert p.stderr is not None
        err = p.stderr.read().decode()
        code = p.wait(timeout=60)
        assert "Traceback" not in err
        finished = cache.exists() and any(cache.glob("kb-*.jsonl"))
        # -15 only once the run is over (Python restores the default handler while it shuts down)
        assert code in (0, 128 + signal.SIGTERM) or (code == -signal.SIGTERM and finished)
        assert not list(cache.glob(".*.tmp")) if cache.exists() else True
        shutil.rmtree(cache, ignore_errors=True)


def test_cache_write_removes_its_temporary_file_on_systemexit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trdcli import cache
    from trdcli.load import load

    loaded = load(None)
    monkeypatch.setenv("TRD_CACHE_DIR", str(tmp_path))

    def killed(*_a: object) -> None:
        raise SystemExit(143)

    monkeypatch.setattr(cache.os, "replace", killed)
    with pytest.raises(SystemExit):
        cache.write("0" * 64, loaded.kb)
    assert list(tmp_path.iterdir()) == []


def test_stale_temporary_files_are_pruned_by_the_next_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRD_CACHE_DIR", str(tmp_path))
    stale = tmp_path / ".kb-abc.jsonl.123.deadbeef.tmp"
    stale.write_bytes(b"x" * 1000)
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert cli("options", "-n", "2")[0] == 0
    assert not stale.exists()


@pytest.mark.parametrize(
    "shell, written, not_written",
    [
        ("zsh", ".zshrc", ".bashrc"),
        ("fish", ".config/fish/completions/trd.fish", ".bashrc"),
        ("bash", ".bash_completions/trd.sh", ".zshrc"),
    ],
)
def test_install_completion_installs_for_the_shell_named(tmp_path: Path, shell: str, written: str, not_written: str) -> None:
    """`--install-completion zsh` installed bash completion into ~/.bashrc."""
    home = tmp_path / "home"
    home.mkdir()
    done = trd("--install-completion", shell, HOME=str(home))
    assert done.returncode == 0, done.stderr.decode()
    assert f"{shell} completion installed" in done.stdout.decode()
    assert (home / written).exists()
    assert not (home / not_written).exists()


def test_install_completion_unknown_shell_is_refused(tmp_path: Path) -> None:
    done = trd("--install-completion", "tcsh", HOME=str(tmp_path))
    assert done.returncode == 2
    assert "no completion for the shell 'tcsh'" in done.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_install_completion_powershell_installs_or_says_why(tmp_path: Path) -> None:
    done = trd("--install-completion", "powershell", HOME=str(tmp_path))
    err = done.stderr.decode()
    assert "Traceback" not in err
    assert not (tmp_path / ".bashrc").exists()
    assert done.returncode == 0 or "powershell is not installed here" in err


def test_install_completion_with_a_home_that_cannot_be_written(tmp_path: Path) -> None:
    """A read-only HOME printed a traceback; now one paragraph and exit 1."""
    home = tmp_path / "home"
    home.write_text("not a folder")  # unwritable for root too
    done = trd("--install-completion", "bash", HOME=str(home))
    err = done.stderr.decode()
    assert done.returncode == 1
    assert "Traceback" not in err
    assert err.startswith("Error: Could not install bash completion")
    assert len(err.strip().splitlines()) <= 3


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to nobody")
def test_install_completion_read_only_home_as_another_user(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o555)
    tmp_path.chmod(0o755)
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "trdcli",
         "--install-completion", "bash"],
        capture_output=True, env=proc_env(HOME=str(home)), timeout=60,
    )
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err and "Permission denied" in err


def test_bare_install_completion_means_the_current_shell(tmp_path: Path) -> None:
    done = trd("--install-completion", HOME=str(tmp_path), SHELL="/bin/zsh", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert done.returncode == 2
    assert "Cannot tell which shell" in done.stderr.decode()


def test_shell_completion_still_offers_the_values() -> None:
    done = trd(_TRD_COMPLETE="complete_bash", COMP_WORDS="trd options --context psy", COMP_CWORD="3")
    assert done.stdout.decode().split() == ["psychotic-features"]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "ascii"])
def test_a_console_that_is_not_utf8_never_crashes(encoding: str) -> None:
    for command in [*COMMANDS, ("validate",), ("schema",)]:
        for fmt in (["table", "markdown", "csv", "json"] if command[0] not in ("validate", "schema") else [None]):
            args = [*command, *(["--format", fmt] if fmt else [])]
            done = trd(*args, PYTHONIOENCODING=encoding)
            assert done.returncode == 0, (args, done.stderr.decode())
            text = done.stdout.decode(encoding)
            if fmt == "json" or command[0] == "schema":
                json.loads(text)
            assert "UnicodeEncodeError" not in done.stderr.decode()
    assert "!=" in trd("options", "--format", "table", "--long", PYTHONIOENCODING="ascii").stdout.decode() or True


def test_c_locale_console() -> None:
    done = trd("options", "-n", "2", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", PYTHONIOENCODING="")
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.skipif(not shutil.which("script"), reason="needs script(1) for a terminal")
@pytest.mark.parametrize("pager", ["nonexistentpager", "false"])
def test_a_pager_that_cannot_start_loses_no_output(pager: str) -> None:
    done = subprocess.run(["script", "-qec", f"{sys.executable} -m trdcli show ect --pager", "/dev/null"],
                          capture_output=True, timeout=60, env=proc_env(PAGER=pager, TERM="dumb"))
    out = done.stdout.decode(errors="replace")
    assert "output follows" in out
    assert "Electroconvulsive therapy" in out


# =========================================================================== the file system


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_device_or_fifo_is_refused_not_read(kb: Path, target: str) -> None:
    link = kb / "strategies" / "zero.yaml"
    if target == "fifo":
        os.mkfifo(link)
    else:
        link.symlink_to(target)
    done = trd("options", "--kb", str(kb), timeout=20)
    assert done.returncode == 1
    assert "not a regular file" in done.stderr.decode()


def test_history_from_dev_zero_is_refused() -> None:
    done = trd("stage", "--history", "/dev/zero", timeout=20)
    assert done.returncode == 1 and "not a regular file" in done.stderr.decode()


def test_read_bytes_stops_at_the_limit(tmp_path: Path) -> None:
    from trdcli.errors import KnowledgeBaseError
    from trdcli.yamlpos import read_bytes

    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(KnowledgeBaseError, match="over the"):
        read_bytes(big, limit=1024)


def _run_as_nobody(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "trdcli", *args],
                          capture_output=True, timeout=60, env=proc_env(TRD_NO_CACHE="1"))


@pytest.fixture()
def locked() -> Iterator[tuple[Path, bool]]:
    """A copy of the knowledge base in a folder anyone may pass through; True when the test
    runs the command as another user (root reads everything)."""
    import tempfile

    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root and not shutil.which("setpriv"):
        pytest.skip("root without setpriv cannot be refused a read")
    base = Path(tempfile.mkdtemp(prefix="trd-perm-"))
    base.chmod(0o755)
    kb = base / "kb"
    shutil.copytree(DATA, kb)
    yield kb, as_root
    for p in [kb, *kb.rglob("*")]:
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(base, ignore_errors=True)


def test_a_kb_under_a_folder_that_cannot_be_entered(locked: tuple[Path, bool]) -> None:
    kb, as_root = locked
    kb.chmod(0o700 if as_root else 0o000)
    try:
        done = _run_locked(as_root, "options", "--kb", str(kb / "kb.yaml"))
        assert done.returncode == 1 and "permission denied" in done.stderr.decode()
    finally:
        kb.chmod(0o755)


def _run_locked(as_root: bool, *args: str) -> subprocess.CompletedProcess[bytes]:
    return _run_as_nobody(*args) if as_root else trd(*args, TRD_NO_CACHE="1")


def test_an_unreadable_kb_folder(locked: tuple[Path, bool]) -> None:
    kb, as_root = locked
    kb.chmod(0o700 if as_root else 0o000)
    try:
        for args in (("options", "--kb", str(kb)), ("validate", str(kb))):
            done = _run_locked(as_root, *args)
            err = done.stderr.decode()
            assert done.returncode == 1, err
            assert "permission denied" in err and "internal error" not in err
            assert "Traceback" not in err
    finally:
        kb.chmod(0o755)


def test_an_unreadable_strategies_folder_is_not_empty(locked: tuple[Path, bool]) -> None:
    kb, as_root = locked
    (kb / "strategies").chmod(0o700 if as_root else 0o000)
    try:
        done = _run_locked(as_root, "options", "--kb", str(kb))
        err = done.stderr.decode()
        assert "cannot be read" in err and "holds no" not in err
    finally:
        (kb / "strategies").chmod(0o755)


@pytest.mark.parametrize("name", ["zz.yml", "PSY.YAML"])
def test_yml_and_upper_case_suffixes_are_read(kb: Path, name: str) -> None:
    before = json.loads(cli("options", "--kb", str(kb), "--format", "json")[1])
    (kb / "strategies" / "psychotherapy.yaml").rename(kb / "strategies" / name)
    after = json.loads(cli("options", "--kb", str(kb), "--format", "json")[1])
    assert [o["id"] for o in after["options"]] and len(after["options"]) == len(before["options"])


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    env = proc_env(XDG_CACHE_HOME="relative-cache", HOME=str(tmp_path / "home"))
    env.pop("TRD_CACHE_DIR")
    done = subprocess.run([sys.executable, "-m", "trdcli", "options", "-n", "2"], cwd=work, capture_output=True, env=env, timeout=60)
    assert done.returncode == 0
    assert list(work.iterdir()) == []


def test_trd_kb_errors_name_trd_kb(kb: Path) -> None:
    edit(kb / "kb.yaml", "reviewed:", "bogus: 1\nreviewed:")
    code, _out, err = cli("options", env={"TRD_KB": str(kb)})
    assert code == 1
    assert f"from $TRD_KB={kb}" in err and "--kb" not in err.splitlines()[0]
    code, _out, err = cli("options", "--kb", str(kb))
    assert f"from --kb {kb}" in err and f"trd validate {kb}" in err
    code, _out, err = cli("options", env={"TRD_KB": str(kb / "missing")})
    assert "from $TRD_KB=" in err


def test_trd_kb_and_kb_with_the_same_value_is_the_command_line(kb: Path) -> None:
    edit(kb / "kb.yaml", "reviewed:", "bogus: 1\nreviewed:")
    code, _out, err = cli("options", "--kb", str(kb), env={"TRD_KB": str(kb)})
    assert f"from --kb {kb}" in err


def test_history_over_the_limit_gets_a_history_hint(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * (1024 * 1024 + 10))
    code, _out, err = cli("stage", "--history", str(big))
    assert code == 1 and "over the" in err
    assert "strategies" not in err and "history file" in err


def test_history_that_is_a_folder(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    os.chdir(sub)
    code, _out, err = cli("stage", "--history", str(tmp_path))
    assert code == 1
    assert f"{tmp_path}: the history file is a folder" in err
    assert not err.startswith("Error: ..:")


# =========================================================================== look-alike and mistyped data


@pytest.mark.parametrize(
    "args, suggestion",
    [
        (("--context", "psychotic"), "psychotic-features"),
        (("--context", "elderly"), "older-adult"),
        (("--avoid", "weightgain"), "weight-gain"),
        (("--family", "augment"), "augmentation"),
    ],
)
def test_enum_typos_suggest_the_nearest_value(args: tuple[str, str], suggestion: str) -> None:
    code, _out, err = cli("options", *args)
    assert code == 2
    assert f"Did you mean '{suggestion}'?" in err


def test_user_input_echoed_escaped_and_shortened() -> None:
    code, _out, err = cli("options", "--context", "\x1b[31m" + "x" * 500)
    assert code == 2 and "\x1b" not in err and "x" * 100 not in err
    code, _out, err = cli("show", "ect\x1b[31m")
    assert "\x1b" not in err and "\\x1b" in err
    code, _out, err = cli("show", "y" * 100_000)
    assert len(err) < 1000
    for fmt in ("table", "markdown", "csv"):
        code, out, _err = cli("search", "ak\x1b[31m" + "y" * 300, "--format", fmt)
        assert code == 0 and "\x1b" not in out and "y" * 100 not in out, fmt
    code, out, _err = cli("search", "ak\x1b[31m", "--format", "json")
    assert json.loads(out)["query"] == "ak\x1b[31m"  # data, JSON-escaped: exact


def test_search_typo_suggests_near_terms() -> None:
    code, out, _err = cli("search", "akathesia", "--format", "markdown")
    assert code == 0 and "akathisia" in out


def test_a_hint_never_suggests_the_same_name(kb: Path) -> None:
    from trdcli.names import did_you_mean

    assert did_you_mean("schemes", "schemes") == ""
    edit(kb / "evidence.yaml", "\nschemes:", "\nschem\u0435s:")  # a Cyrillic e
    errors = validate_errors(kb)
    line = next(line for line in errors.splitlines() if "unknown field" in line)
    assert "U+0435 CYRILLIC SMALL LETTER IE" in line
    assert "did you mean 'schemes'? " in line


def test_history_look_alike_field(tmp_path: Path) -> None:
    h = tmp_path / "h.yaml"
    h.write_text("episode: {duration_months: 3, severity: moderate}\ntrials:\n"
                 "  - {drug: sertraline, weeks: 8, adequate_dose: true, cl\u0430ss: ssri}\n", encoding="utf-8")
    code, _out, err = cli("stage", "--history", str(h))
    assert code == 1 and "U+0430 CYRILLIC SMALL LETTER A" in err


@pytest.mark.parametrize("value", ["yes", "true", "on"])
def test_a_yaml_boolean_is_not_an_evidence_level(kb: Path, value: str) -> None:
    edit(kb / "strategies" / "augmentation.yaml", "        level: 1", f"        level: {value}")
    errors = validate_errors(kb)
    assert "augmentation.yaml:" in errors and "level: True (a YAML yes/no) is not a number" in errors


def test_a_yaml_boolean_is_not_a_trial_count(kb: Path) -> None:
    edit(kb / "strategies" / "augmentation.yaml", "min_prior_trials: 1", "min_prior_trials: true")
    assert "min_prior_trials: True (a YAML yes/no) is not a number" in validate_errors(kb)


def test_a_yaml_boolean_is_not_a_history_number(tmp_path: Path) -> None:
    h = tmp_path / "h.yaml"
    h.write_text("episode: {duration_months: 3, severity: moderate}\ntrials:\n"
                 "  - {drug: sertraline, weeks: yes, adequate_dose: true}\n", encoding="utf-8")
    code, _out, err = cli("stage", "--history", str(h))
    assert code == 1 and "h.yaml:3:" in err and "weeks: True (a YAML yes/no) is not a number" in err


def test_deep_nesting_is_an_error_at_file_line(kb: Path, tmp_path: Path) -> None:
    edit(kb / "evidence.yaml", "\nschemes:", "\nextra: " + "[" * 500 + "]" * 500 + "\nschemes:")
    assert "nests lists or mappings more than 100 levels" in validate_errors(kb)
    h = tmp_path / "deep.yaml"
    h.write_text("[" * 500 + "]" * 500)
    code, _out, err = cli("stage", "--history", str(h))
    assert code == 1 and "deep.yaml:1:" in err and "RecursionError" not in err


def test_an_impossible_date_is_an_error_at_file_line(kb: Path, tmp_path: Path) -> None:
    edit(kb / "kb.yaml", "reviewed: ", "reviewed: 2026-02-30\nold_reviewed: ")
    errors = validate_errors(kb)
    assert "kb.yaml:" in errors and "'2026-02-30' is not a real date" in errors
    h = tmp_path / "d.yaml"
    h.write_text("episode: {duration_months: 3, severity: moderate}\ntrials:\n"
                 "  - {drug: sertraline, weeks: 8, adequate_dose: true, start: 2024-02-30}\n")
    code, _out, err = cli("stage", "--history", str(h))
    assert code == 1 and "d.yaml:3:" in err and "not a real date" in err and "ValueError" not in err
    assert "calendar" in err


@pytest.mark.parametrize("name", ["Lith\u200bium (adjunctive)", "L\u0456thium (adjunctive)"])
def test_look_alike_names_are_not_a_second_option(kb: Path, name: str) -> None:
    text = (kb / "strategies" / "augmentation.yaml").read_text(encoding="utf-8")
    block = text[text.index("  - id: lithium"):]
    block = block[: block.index("\n  - id:", 5)] if "\n  - id:" in block[5:] else block
    copy = block.replace("id: lithium", "id: lithium-copy", 1).replace("name: Lithium (adjunctive)", f"name: {name}", 1)
    (kb / "strategies" / "augmentation.yaml").write_text(text.rstrip("\n") + "\n" + copy, encoding="utf-8")
    assert validate_errors(kb)


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u2069", "\u061c", "\u00ad", "\ufeff"])
def test_bidi_and_invisible_characters_are_refused(kb: Path, char: str) -> None:
    edit(kb / "strategies" / "augmentation.yaml", "name: Lithium (adjunctive)", f"name: Lithium {char}(adjunctive)")
    assert "bidirectional or invisible" in validate_errors(kb)


def test_csv_formula_cells_are_neutralised() -> None:
    from trdcli.render.csv_ import cell

    for bad in ("=HYPERLINK(1)", "+1+1", "-cmd", "@SUM(A1)"):
        assert cell(bad) == "'" + bad
    assert cell("-0.5") == "-0.5"


def test_csv_carries_provenance_and_reads_with_dictreader() -> None:
    for args in (("options", "-n", "2"), ("show", "ect"), ("refs",), ("search", "akathisia"), ("compare", "ect", "lithium")):
        code, out, _err = cli(*args, "--format", "csv")
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        first = [next(iter(r.values())) for r in rows]
        assert any(str(v).startswith("# Knowledge base") for v in first), args
        assert any("clinical judgement" in str(v) for v in first), args


def test_exports_carry_provenance_and_types() -> None:
    ris = cli("refs", "--for", "ect", "--format", "ris")[1]
    assert "TY  - JOUR\nID  - lam2024canmat" in ris and "GOVDOC" not in ris.split("ID  - lam2024canmat")[0][-40:]
    csl = json.loads(cli("refs", "--format", "csl-json")[1])
    canmat = next(r for r in csl if r["id"] == "lam2024canmat")
    assert canmat["type"] == "article-journal" and "note" in canmat
    for fmt in ("bibtex", "ris", "vancouver"):
        out = cli("refs", "--format", fmt)[1]
        assert "Knowledge base" in out or "knowledge base" in out, fmt
    assert "Inc.." not in cli("refs", "--format", "vancouver")[1]
