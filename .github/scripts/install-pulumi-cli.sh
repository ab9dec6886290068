#!/usr/bin/env bash
# Install the Pulumi CLI whose version the runtime lock pins (pulumi==X.Y.Z, so the CLI and the
# SDK agree) into DIR, and only if its archive's SHA-256 is the one Pulumi publishes for it.
#
#   .github/scripts/install-pulumi-cli.sh DIR
#
# The archive comes from get.pulumi.com, its checksum from the pulumi/pulumi release on GitHub:
# two origins, so an archive replaced on one is refused with a digest from the other. Nothing is
# installed when anything fails.
set -euo pipefail

dest="${1:?usage: install-pulumi-cli.sh DIR}"
lock="requirements-runtime.txt"
version="$(sed -n 's/^pulumi==\([0-9][0-9.]*\).*/\1/p' "$lock")"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "install-pulumi-cli: $lock pins no pulumi==X.Y.Z" >&2
  exit 1
fi
archive="pulumi-v${version}-linux-x64.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {
  curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --retry 3 -o "$1" "$2"
}
fetch "$work/$archive" "https://get.pulumi.com/releases/sdk/$archive"
fetch "$work/checksums.txt" "https://github.com/pulumi/pulumi/releases/download/v${version}/pulumi-${version}-checksums.txt"

expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/checksums.txt")"
if [[ ! "$expected" =~ ^[0-9a-f]{64}$ ]]; then
  echo "install-pulumi-cli: Pulumi's checksums for $version do not list $archive; nothing installed" >&2
  exit 1
fi
actual="$(sha256sum "$work/$archive" | cut -d ' ' -f 1)"
if [[ "$actual" != "$expected" ]]; then
  echo "install-pulumi-cli: $archive has SHA-256 $actual, Pulumi publishes $expected; nothing installed" >&2
  exit 1
fi
mkdir -p "$dest"
tar -xzf "$work/$archive" -C "$dest" --strip-components=1
"$dest/pulumi" version
