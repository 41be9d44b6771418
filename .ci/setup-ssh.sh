#!/usr/bin/env bash
# Installs what @tapline/ssh's tests need: the real OpenSSH server, client and
# sftp-server (the tests start their own sshd on a free loopback port with their
# own config), sshpass for password logins, tmux for a real pty, sudo and
# vim-tiny for interactive sessions, and a non-root test user.
#
# Idempotent: safe to run on every CI run. Run as root:  bash .ci/setup-ssh.sh
# It never starts a system-wide sshd and never touches port 22.
set -euo pipefail

TEST_USER="${TAPLINE_SSH_TEST_USER:-tapline}"
TEST_PASSWORD="${TAPLINE_SSH_TEST_PASSWORD:-tapline-test-password}"

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-ssh: must run as root" >&2
  exit 1
fi

packages=(openssh-server openssh-client openssh-sftp-server sshpass tmux sudo vim-tiny procps)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-ssh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101 keeps the package scripts from starting a system sshd.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
fi

# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
chmod 0755 /run/sshd

if ! id -u "$TEST_USER" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$TEST_USER"
fi
echo "$TEST_USER:$TEST_PASSWORD" | chpasswd
usermod -aG sudo "$TEST_USER"
# sudo asks for the user's password (no NOPASSWD): a no-echo prompt to test.
printf '%s ALL=(ALL:ALL) ALL\n' "$TEST_USER" >/etc/sudoers.d/tapline-test
chmod 0440 /etc/sudoers.d/tapline-test

echo "setup-ssh: ready (user $TEST_USER, sshd $(/usr/sbin/sshd -V 2>&1 | head -n1 || true))"
