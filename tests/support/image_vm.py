"""The appliance image booted in QEMU (tests/images/): serial console in a file, loopback ports.

QEMU runs with software emulation (TCG) unless CALLBOX_IMAGE_KVM=1, the disk in snapshot
mode (the built image is never written), and user networking inside a network namespace of
its own that has nothing but a loopback interface: whatever the guest sends out has nowhere
to go, and the tests reach the box only through the ports QEMU forwards from that
namespace's 127.0.0.1 (`in_namespace` for sockets made here, `namespaced` for commands).
QEMU's `restrict=on` would isolate the guest too, but it also drops the guest's UDP answers
to forwarded ports (SIP).  The box prints its boot report on its console
(images/files/callbox-boot-report); `wait_for_report` reads it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPORT = re.compile(r"callbox-boot: (.*?)\s*$")
CLONE_NEWNET = 0x40000000


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
    validate: list[str] = field(default_factory=list)  # "ok" or "failed" and its last lines

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
            elif word in ("validate", "validate|"):
                report.validate.append(rest)
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
        self.namespace = f"callbox-image-{secrets.token_hex(4)}"

    def command(self) -> list[str]:
        """Return QEMU's command line."""
        binary = shutil.which("qemu-system-x86_64")
        if binary is None:
            raise RuntimeError("qemu-system-x86_64 is missing: apt-get install qemu-system-x86")
        accel = ["-machine", "q35,accel=kvm", "-cpu", "host"] if self.kvm else [
            "-machine", "q35,accel=tcg", "-cpu", "max"]  # fmt: skip
        net = ",".join(["user", "id=net0", *(f.rule() for f in self.forwards)])
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
        """Make the namespace (loopback only) and start QEMU in it, in the background."""
        self.console.write_bytes(b"")
        subprocess.run(["ip", "netns", "add", self.namespace], check=True, timeout=30)
        subprocess.run(
            ["ip", "-n", self.namespace, "link", "set", "lo", "up"], check=True, timeout=30
        )
        with self.qemu_log.open("wb") as log:
            self.process = subprocess.Popen(
                self.namespaced(self.command()),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.started = time.monotonic()

    def namespaced(self, command: list[str]) -> list[str]:
        """Return command run inside the VM's network namespace (ip netns exec execs it)."""
        return ["ip", "netns", "exec", self.namespace, *command]

    @contextlib.contextmanager
    def in_namespace(self) -> Iterator[None]:
        """Within the block, sockets this thread makes belong to the VM's namespace."""
        libc = ctypes.CDLL(None, use_errno=True)
        with open("/proc/thread-self/ns/net") as home, open(f"/run/netns/{self.namespace}") as ns:
            if libc.setns(ns.fileno(), CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into the VM's namespace failed")
            try:
                yield
            finally:
                if libc.setns(home.fileno(), CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back to the test's namespace failed")

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
        """Kill QEMU (the disk is a snapshot: nothing to shut down cleanly), drop the namespace."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        subprocess.run(["ip", "netns", "delete", self.namespace], timeout=30, check=False)
