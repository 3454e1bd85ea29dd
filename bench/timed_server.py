"""``python -m bench.timed_server LOG streamlit-args...``: the app's server, timing every script run.

Used by the load benchmark to read the server's own rerun times, apart from what the browsers
add. Each script run (a page load, a widget change, a page switch) appends a line to LOG:
``wall_seconds cpu_seconds`` (CPU of the script thread alone; the rest of the wall time is
waiting, for the GIL or the disk). A run that another rerun interrupts counts once, whole.
"""

from __future__ import annotations

import sys
import threading
import time


def _install(log_path: str) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    lock = threading.Lock()
    original = script_runner.ScriptRunner._run_script

    def timed(self, rerun_data):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, rerun_data)
        finally:
            line = f"{time.perf_counter() - wall:.4f} {time.thread_time() - cpu:.4f}\n"
            with lock, open(log_path, "a") as out:
                out.write(line)

    script_runner.ScriptRunner._run_script = timed


def main() -> None:
    log_path, *streamlit_args = sys.argv[1:]
    _install(log_path)
    from streamlit.web import cli

    sys.argv = ["streamlit", *streamlit_args]
    cli.main()


if __name__ == "__main__":
    main()
