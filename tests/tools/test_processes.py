"""The process runner: what a child printed, stopping one that will not stop, its memory."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tools.processes import ChildProcess, wait_until_gone

GREET_THEN_WAIT = (
    "import signal, sys, time; signal.signal(signal.SIGINT, lambda *_: sys.exit(0)); "
    "print('hello', flush=True); time.sleep(60)"
)
IGNORE_CTRL_C = (
    "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def python(code: str, log_path: Path, *, stop_seconds: float = 30.0) -> ChildProcess:
    return ChildProcess(
        [sys.executable, "-c", code],
        environment={},
        log_path=log_path,
        stop_seconds=stop_seconds,
    )


def test_stop_returns_what_this_run_printed_and_the_log_keeps_every_run(tmp_path: Path) -> None:
    log_path = tmp_path / "child.log"
    log_path.write_text("an earlier run\n")
    with python(GREET_THEN_WAIT, log_path) as child:
        assert child.first_lines(1) == ["hello"]
        output = child.stop()

    assert output == "hello\n"
    assert child.process.returncode == 0
    assert log_path.read_text() == "an earlier run\nhello\n"


def test_a_child_that_ignores_its_stop_signal_is_killed(tmp_path: Path) -> None:
    child = python(IGNORE_CTRL_C, tmp_path / "child.log", stop_seconds=0.5)
    child.first_lines(1)

    child.stop()

    assert child.process.returncode == -signal.SIGKILL
    assert wait_until_gone(child.process.pid)


def test_waiting_for_lines_a_child_never_prints_names_it_and_shows_its_output(
    tmp_path: Path,
) -> None:
    child = python("print('only one line')", tmp_path / "child.log")

    with pytest.raises(RuntimeError, match="printed no 2 lines") as failed:
        child.first_lines(2)

    assert "only one line" in str(failed.value)


def test_peak_rss_is_read_from_the_running_child(tmp_path: Path) -> None:
    with python(GREET_THEN_WAIT, tmp_path / "child.log") as child:
        child.first_lines(1)
        assert child.peak_rss_bytes() > 1024 * 1024
