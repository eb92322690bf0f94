# callbox — the two commands:
#   make run    bring the whole box up on this machine (demo data, loopback)
#   make test   install what the tests need and run them all (pytest, ruff, mypy), then
#               build the appliance image and boot it in QEMU (make image-test)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

DEBS_RUN   := kamailio kamailio-sqlite-modules espeak-ng sox libsox-fmt-mp3 sqlite3 python3-venv
DEBS_BUILD := swig libspeex-dev libspeexdsp-dev libgsm1-dev libssl-dev libopus-dev \
              uuid-dev build-essential dpkg-dev
# ansible-core, nftables, vagrant: tests/ansible (syntax check, nft -c, vagrant validate);
# mmdebstrap, qemu-system-x86, e2fsprogs: make image-test (build the image, boot it)
DEBS_TEST  := sip-tester chromium openssh-server dosfstools ansible-core nftables vagrant \
              mmdebstrap qemu-system-x86 e2fsprogs

# Two workers (pytest-xdist): every test takes its own free ports and folders, and the
# e2e calls mostly wait on timers, so two run side by side on CI's 2 cores.
PYTEST_ARGS ?= -n 2

.PHONY: run test image-test lint typecheck unit bench pjsua2 deps deps-test venv web-assets clean

run: deps venv web-assets
	CALLBOX_DEMO=$${CALLBOX_DEMO:-true} $(VENV)/bin/callbox run  # a developer's box: plain HTTP

test: deps deps-test venv web-assets
	$(VENV)/bin/ruff check appliance web provisioning tests bench
	$(VENV)/bin/ruff format --check appliance web provisioning tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory image-test

# The appliance image (images/build.sh, cached under /var/cache/callbox/images) booted in
# QEMU with software emulation: systemd, every callbox unit, /healthz, SIP, an IVR call
# (tests/images/).  CALLBOX_IMAGE_KVM=1 uses KVM instead.  Runs as root.
image-test: deps deps-test venv web-assets
	images/image-test.sh

bench: deps deps-test venv
	$(PY) bench/sip_load.py

deps:
	@tools/install-debs.sh $(DEBS_RUN) $(DEBS_BUILD)

deps-test:
	@tools/install-debs.sh $(DEBS_TEST)

# The venv is rebuilt when pyproject.toml or the pjsua2 build inputs change.
venv: $(VENV)/.done

$(VENV)/.done: pyproject.toml tools/pjsua2/build.sh tools/pjsua2/config_site.h \
		tools/pjsua2/framebridge.hpp tools/pjsua2/framebridge.i
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip setuptools wheel
	$(PIP) install -e '.[test]'
	wheel=$$(PYTHON=$(PY) tools/pjsua2/build.sh) && $(PIP) install --force-reinstall --no-deps "$$wheel"
	$(PY) -c 'import pjsua2; pjsua2.FramePort'
	touch $@

# The web UI's front-end libraries (htmx, Chart.js), pinned in web/package-lock.json,
# installed from the npm registry and copied to web/static/vendor/; a no-op when current.
web-assets:
	@tools/web-assets.sh

pjsua2:
	PYTHON=$(PY) tools/pjsua2/build.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache web/node_modules web/static/vendor
