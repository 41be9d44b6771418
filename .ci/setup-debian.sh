#!/usr/bin/env bash
# Debian packages the tests drive as real peers (asciinema plays what
# `tapline export` writes; zsh and busybox are extra shells for the terminal
# tests). Idempotent: installs only what is missing, so a machine that has
# them does not touch the network.
set -euo pipefail
packages=(openssh-client openssh-sftp-server tmux sudo less zsh busybox asciinema postgresql-15 postgresql-client-15 mariadb-server mariadb-client sysbench rsyslog rsyslog-gnutls)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-debian: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
