#!/usr/bin/env bash
# Installs Mesa's software Vulkan (lavapipe) from bookworm-backports so that Dawn (the `webgpu` npm package)
# finds a WebGPU adapter on a machine without a GPU. Bookworm's own Mesa 22 lacks features Dawn needs.
# Needs root (or sudo). Idempotent. Debian bookworm only; elsewhere install a Mesa >= 24 Vulkan driver.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
src=/etc/apt/sources.list.d/debian.sources
dst=/etc/apt/sources.list.d/backports.sources
if [ ! -f "$dst" ] && [ -f "$src" ]; then
  # the first stanza of the existing source (the main archive), with its suite changed to backports
  awk 'BEGIN{RS=""; ORS="\n"} NR==1 { sub(/Suites:[^\n]*/, "Suites: bookworm-backports"); print; exit }' "$src" \
    | $SUDO tee "$dst" >/dev/null
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
echo "software Vulkan: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
