"""How much does a full diagnostic check cost compared with a bare send?

Against the embedded sandbox (loopback, STARTTLS, AUTH, in-memory mailbox),
in one run, several repetitions each, medians compared:

1. in-process: ``run_check`` (every step, facts, transcript, redaction)
   versus a minimal aiosmtplib script doing the same conversation
   (connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, QUIT). Target: at
   most 1.3x.
2. end to end, each a fresh process, interleaved: the ``comelin-tui check``
   command with saved settings (password in the protected file) and ad hoc
   (``--host ... --password-stdin``, no settings file), the minimal script, and
   swaks doing the same send if installed (Debian package ``swaks``; skipped
   with a message otherwise). Targets: each ``comelin-tui check`` at most 2.5x
   swaks. Bytecode is cached for the Python children in a private folder, as
   after an install, whatever ``PYTHONDONTWRITEBYTECODE`` says.

Usage: python benchmarks/check_vs_minimal.py [--repeat N]
Exits 1 when a ratio is over its target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from comelin_tui.diagnostics.engine import run_check
from comelin_tui.sandbox import Sandbox

TARGET_RATIO = 1.3
SWAKS_TARGET_RATIO = 2.5

# The minimal client: what a script that "just sends" does, nothing more.
MINIMAL = """
import asyncio, ssl, sys
from email.message import EmailMessage
import aiosmtplib

async def send(host, port, ca_file, user, password):
    message = EmailMessage()
    message["From"] = user
    message["To"] = user
    message["Subject"] = "Comelin test message"
    message.set_content("This is a test message.")
    context = ssl.create_default_context(cafile=ca_file)
    client = aiosmtplib.SMTP(hostname=host, port=port, start_tls=True, tls_context=context,
                             timeout=5)
    async with client:
        await client.login(user, password)
        await client.send_message(message)

if __name__ == "__main__":
    host, port, ca_file, user = sys.argv[1:5]
    asyncio.run(send(host, int(port), ca_file, user, sys.stdin.readline().rstrip("\\n")))
"""


def _minimal_send() -> Callable[..., Awaitable[None]]:
    namespace: dict[str, object] = {"__name__": "minimal"}
    exec(compile(MINIMAL, "minimal_send.py", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["send"]  # type: ignore[return-value]


async def _median_ms(work: Callable[[], Awaitable[object]], repeat: int) -> float:
    await work()  # warm-up: imports, first TLS context
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


@dataclass
class Command:
    """One program run as a fresh process: wall and CPU (user + system) milliseconds."""

    label: str
    argv: list[str]
    stdin: str = ""
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self, env: dict[str, str], *, keep: bool = True) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(self.argv, input=self.stdin, capture_output=True, text=True,
                              env=env, timeout=60, check=False)
        elapsed = (time.perf_counter() - start) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"failed ({done.returncode}): {self.label}\n"
                             f"{done.stdout}{done.stderr}")
        if keep:
            self.wall.append(elapsed)
            self.cpu.append((after.ru_utime - before.ru_utime
                             + after.ru_stime - before.ru_stime) * 1000)


def _interleaved(commands: list[Command], repeat: int, env: dict[str, str]) -> None:
    """Each command *repeat* times, in rounds whose order alternates, after a warm-up."""
    for command in commands:
        command.run(env, keep=False)  # warm-up: page cache, bytecode cache
    for index in range(repeat):
        for command in (commands if index % 2 == 0 else commands[::-1]):
            command.run(env)


def _row(label: str, ms: float, baseline: float | None = None) -> str:
    ratio = f"{ms / baseline:5.2f}x" if baseline else "  1.00x"
    return f"  {label:<44} {ms:8.1f} ms  {ratio}"


async def main(repeat: int) -> int:
    sandbox = Sandbox()
    sandbox.start()
    folder = Path(tempfile.mkdtemp(prefix="comelin-bench-"))
    try:
        send = _minimal_send()
        target = sandbox.target()

        async def minimal() -> None:
            await send(sandbox.host, sandbox.port, str(sandbox.ca_file), sandbox.username,
                       sandbox.password)

        step_ms: dict[str, list[int]] = {}

        async def engine() -> None:
            result = await run_check(target, probe=False)
            if result.status != "ok":
                raise SystemExit(f"check failed: {result.to_json()}")
            for step in result.steps:
                step_ms.setdefault(step.id, []).append(step.duration_ms)

        # Two alternating rounds each, best median kept: drift (CPU frequency,
        # other load) then hits both alike.
        minimal_ms = await _median_ms(minimal, repeat)
        engine_ms = await _median_ms(engine, repeat)
        minimal_ms = min(minimal_ms, await _median_ms(minimal, repeat))
        engine_ms = min(engine_ms, await _median_ms(engine, repeat))

        config_path = folder / "config.toml"
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path, "file")
        script = folder / "minimal_send.py"
        script.write_text(MINIMAL)
        env = {**os.environ, "XDG_STATE_HOME": str(folder / "state"), "COMELIN_TUI_LANG": "en"}
        env.pop("COMELIN_SMTP_PASSWORD", None)
        env.pop("COMELIN_TUI_CONFIG", None)
        # Bytecode cached (as after an install) in a folder of our own, filled by the warm-up.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        password = sandbox.password + "\n"
        minimal_cmd = Command("minimal aiosmtplib script",
                              [sys.executable, str(script), sandbox.host, str(sandbox.port),
                               str(sandbox.ca_file), sandbox.username], stdin=password)
        saved_cmd = Command("comelin-tui check (saved settings)",
                            [sys.executable, "-m", "comelin_tui", "check",
                             "--config", str(config_path)])
        adhoc_cmd = Command("comelin-tui check --host ... (ad hoc)",
                            [sys.executable, "-m", "comelin_tui", "check",
                             "--config", str(folder / "absent.toml"),
                             "--host", sandbox.host, "--port", str(sandbox.port),
                             "--security", "starttls", "--username", sandbox.username,
                             "--from", sandbox.username, "--to", sandbox.username,
                             "--ca-file", str(sandbox.ca_file), "--password-stdin"],
                            stdin=password)
        commands = [minimal_cmd, saved_cmd, adhoc_cmd]
        swaks = shutil.which("swaks")
        swaks_cmd = None
        if swaks:
            # The sandbox's password is random and thrown away with it, so passing
            # it as an argument here exposes nothing that outlives the benchmark.
            swaks_cmd = Command(
                "swaks --tls --tls-verify --auth PLAIN",
                [swaks, "--server", f"{sandbox.host}:{sandbox.port}", "--tls", "--tls-verify",
                 "--tls-ca-path", str(sandbox.ca_file), "--auth", "PLAIN",
                 "--auth-user", sandbox.username, "--auth-password", sandbox.password,
                 "--from", sandbox.username, "--to", sandbox.username,
                 "--header", "Subject: Comelin test message", "--silent", "2"])
            commands.append(swaks_cmd)
        process_repeat = max(3, repeat // 2)
        _interleaved(commands, process_repeat, env)
        messages = len(sandbox.mailbox)
    finally:
        sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"comelin-tui check vs a minimal send (sandbox on loopback; median of {repeat} "
          f"in-process, {process_repeat} process runs)")
    print("in-process:")
    print(_row("minimal aiosmtplib send", minimal_ms))
    print(_row("run_check (full diagnostics)", engine_ms, minimal_ms))
    print("fresh process each time (interleaved; wall, then CPU user+system):")
    base_wall = statistics.median(minimal_cmd.wall)
    base_cpu = statistics.median(minimal_cmd.cpu)
    for command in commands:
        wall, cpu = statistics.median(command.wall), statistics.median(command.cpu)
        print(f"  {command.label:<44} {wall:8.1f} ms  {wall / base_wall:5.2f}x"
              f"   cpu {cpu:6.1f} ms  {cpu / base_cpu:5.2f}x")
    over = False
    if swaks_cmd is None:
        print("  swaks not installed (Debian: apt-get install swaks): ratios to swaks skipped")
    else:
        swaks_wall = statistics.median(swaks_cmd.wall)
        swaks_cpu = statistics.median(swaks_cmd.cpu)
        for command in (saved_cmd, adhoc_cmd):
            ratio = statistics.median(command.wall) / swaks_wall
            cpu_ratio = statistics.median(command.cpu) / swaks_cpu
            over = over or ratio > SWAKS_TARGET_RATIO
            verdict = "ok" if ratio <= SWAKS_TARGET_RATIO else "ABOVE TARGET"
            print(f"{command.label} vs swaks: {ratio:.2f}x (cpu {cpu_ratio:.2f}x), "
                  f"target <= {SWAKS_TARGET_RATIO}x: {verdict}")
    slow = {sid: statistics.median(values) for sid, values in step_ms.items()}
    parts = [f"{sid} {ms:g}" for sid, ms in slow.items() if ms >= 1]
    print("run_check steps over 1 ms (median): " + (", ".join(parts) or "none"))
    ratio = engine_ms / minimal_ms
    verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
    print(f"in-process ratio {ratio:.2f}x (target <= {TARGET_RATIO}x): {verdict}")
    print(f"messages received by the sandbox: {messages}")
    return 0 if ratio <= TARGET_RATIO and not over else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    sys.exit(asyncio.run(main(parser.parse_args().repeat)))
