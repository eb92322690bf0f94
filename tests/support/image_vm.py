"""The appliance image booted in QEMU (tests/images/): serial console in a file, loopback ports.

QEMU runs with software emulation (TCG) unless CALLBOX_IMAGE_KVM=1, the disk in snapshot
mode (the built image is never written), and user networking with `restrict=on`: the guest
reaches nothing outside, and the host reaches the guest only through the forwarded ports,
which listen on 127.0.0.1.  The box prints its boot report on its console
(images/files/callbox-boot-report); `wait_for_report` reads it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPORT = re.compile(r"callbox-boot: (.*?)\s*$")


@dataclass(frozen=True)
class Forward:
    """One host port on 127.0.0.1 forwarded to a guest port."""

    protocol: str  # tcp | udp
    host_port: int
    guest_port: int

    def rule(self) -> str:
        """Return the forward as QEMU's hostfwd option."""
        return f"hostfwd={self.protocol}:127.0.0.1:{self.host_port}-:{self.guest_port}"


@dataclass
class BootReport:
    """What the box printed on its console once boot was over."""

    state: str = ""
    failed: list[str] = field(default_factory=list)
    units: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> systemctl show
    addresses: list[str] = field(default_factory=list)  # the box's IPv4 addresses

    @classmethod
    def parse(cls, lines: list[str]) -> BootReport:
        """Return the report of the `callbox-boot:` lines (without their prefix)."""
        report = cls()
        for line in lines:
            word, _, rest = line.partition(" ")
            if word == "state":
                report.state = rest
            elif word == "failed" and rest != "none":
                report.failed.append(rest)
            elif word == "unit":
                props = dict(item.split("=", 1) for item in rest.split() if "=" in item)
                report.units[props.get("Id", "?")] = props
            elif word == "address":
                report.addresses.append(rest.split()[-1].split("/")[0])
        return report


class ImageVM:
    """One QEMU run of the image in image_dir (disk.img, vmlinuz, initrd.img)."""

    def __init__(
        self,
        image_dir: Path,
        work: Path,
        forwards: list[Forward],
        usb_sticks: tuple[Path, ...] = (),
        memory_mb: int = 2048,
    ) -> None:
        """Prepare the run; work holds the console log. Nothing starts until start()."""
        self.image_dir = image_dir
        self.console = work / "console.log"
        self.forwards = forwards
        self.usb_sticks = usb_sticks
        self.memory_mb = memory_mb
        self.kvm = os.environ.get("CALLBOX_IMAGE_KVM", "") == "1"
        self.process: subprocess.Popen[bytes] | None = None
        self.qemu_log = work / "qemu.log"
        self.started = 0.0

    def command(self) -> list[str]:
        """Return QEMU's command line."""
        binary = shutil.which("qemu-system-x86_64")
        if binary is None:
            raise RuntimeError("qemu-system-x86_64 is missing: apt-get install qemu-system-x86")
        accel = ["-machine", "q35,accel=kvm", "-cpu", "host"] if self.kvm else [
            "-machine", "q35,accel=tcg", "-cpu", "max"]  # fmt: skip
        net = ",".join(["user", "id=net0", "restrict=on", *(f.rule() for f in self.forwards)])
        args = [
            binary, *accel, "-smp", "2", "-m", str(self.memory_mb),
            "-display", "none", "-vga", "none", "-monitor", "none",
            "-serial", f"file:{self.console}",
            "-no-reboot", "-kernel", str(self.image_dir / "vmlinuz"),
            "-initrd", str(self.image_dir / "initrd.img"),
            "-append", "root=/dev/vda console=ttyS0 panic=-1",
            "-drive", f"file={self.image_dir / 'disk.img'},format=raw,if=virtio,snapshot=on",
            "-netdev", net, "-device", "virtio-net-pci,netdev=net0,romfile=",
        ]  # fmt: skip
        if self.usb_sticks:
            args += ["-device", "qemu-xhci,id=xhci"]
        for index, stick in enumerate(self.usb_sticks):
            args += [
                "-drive", f"if=none,id=stick{index},file={stick},format=raw,readonly=on",
                "-device", f"usb-storage,bus=xhci.0,drive=stick{index}",
            ]  # fmt: skip
        return args

    def start(self) -> None:
        """Start QEMU in the background."""
        self.console.write_bytes(b"")
        with self.qemu_log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        self.started = time.monotonic()

    def console_text(self) -> str:
        """Return the console output so far (control sequences and all)."""
        return self.console.read_bytes().decode("utf-8", "replace")

    def report_lines(self) -> list[str] | None:
        """Return the boot report's lines once its `end` line is out, else None."""
        lines = [m.group(1) for m in map(REPORT.search, self.console_text().splitlines()) if m]
        return lines if "end" in lines else None

    def wait_for_report(self, timeout: float) -> BootReport:
        """Return the boot report, waiting at most timeout seconds; raise with the console tail."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.report_lines()
            if lines is not None:
                return BootReport.parse(lines)
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"QEMU exited with {self.process.returncode}: {self.tail()}")
            time.sleep(1)
        raise TimeoutError(f"no boot report within {timeout:.0f} s: {self.tail()}")

    def tail(self, lines: int = 40) -> str:
        """Return the last lines of the console and of QEMU's own output, for a failure."""
        console = "\n".join(self.console_text().splitlines()[-lines:])
        qemu = self.qemu_log.read_text(errors="replace") if self.qemu_log.exists() else ""
        return f"\n--- console (last {lines} lines) ---\n{console}\n--- qemu ---\n{qemu}"

    def seconds(self) -> float:
        """Return how long QEMU has been running."""
        return time.monotonic() - self.started

    def stop(self) -> None:
        """Kill QEMU (the disk is a snapshot: nothing to shut down cleanly) and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.kill()
        self.process.wait(timeout=30)
