"""The boot test's box: QEMU boots the built image once per module (helpers_image.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from boxharness import free_port
from helpers_image import (
    BOOT_TIMEOUT,
    BootedBox,
    image_settings,
    required_path,
    usb_stick,
)
from image_vm import Forward, ImageVM


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BootedBox]:
    """Boot the image once for the module; QEMU is killed at the end whatever happened."""
    image = required_path("CALLBOX_IMAGE_DIR")
    private_key = required_path("CALLBOX_IMAGE_RESELLER_KEY")
    work = tmp_path_factory.mktemp("image-boot")
    settings = image_settings(image, work)
    ports = {name: free_port() for name in ("web", "sip", "trunk", "caller")}
    forwards = [
        Forward("tcp", ports["web"], settings.web.port),
        Forward("udp", ports["sip"], settings.sip.port),
        Forward("udp", ports["trunk"], settings.engine.trunk_port),
    ]
    vm = ImageVM(image, work, forwards, usb_sticks=(usb_stick(work, private_key, ports["caller"]),))
    vm.start()
    try:
        report = vm.wait_for_report(BOOT_TIMEOUT)
        seconds = vm.seconds()
        print(f"image booted to its report in {seconds:.0f} s")
        yield BootedBox(
            vm,
            report,
            settings,
            ports["web"],
            ports["sip"],
            ports["trunk"],
            ports["caller"],
            seconds,
        )
    finally:
        vm.stop()
