#!/bin/sh
# Installs what postura needs to build and test, from Debian's packages (and, for the
# browser tests, npm). Idempotent: it installs only what is missing and says what.
# Not root: prints the exact command to run and stops.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)

# One package a line; kept in one place so README, CI and this script agree.
pkgs=$(grep -v '^#' "$here/scripts/debian-packages.txt" | tr -s ' \n' ' ')

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "postura needs these Debian packages:$missing" >&2
		echo "run as root:  apt-get install -y$missing" >&2
		exit 1
	fi
	echo "setup: installing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine has no package lists yet; refresh them once when an install fails.
	if ! apt-get install -y --no-install-recommends $missing; then
		apt-get update
		apt-get install -y --no-install-recommends $missing
	fi
fi

# npm: Debian's nodejs may come without it (nodesource's brings its own).
if ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "postura needs npm for the browser tests; run as root:  apt-get install -y npm" >&2
		exit 1
	fi
	echo "setup: installing npm"
	apt-get install -y --no-install-recommends npm
fi

# The browser tests' packages, playwright-core and axe-core, exactly as package-lock.json
# pins them. No browser is downloaded: the tests drive Debian's chromium. npm ci runs
# again only when the lock file changes.
stamp="$here/node_modules/.postura-lock"
if ! cmp -s "$here/package-lock.json" "$stamp" 2>/dev/null; then
	echo "setup: installing the browser-test packages (npm ci)"
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
	cp "$here/package-lock.json" "$stamp"
fi
