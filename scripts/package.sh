#!/usr/bin/env bash
# Builds a release of arogya for a clinic machine that has no Swift toolchain:
#   dist/arogya-VERSION-linux-ARCH/bin/arogya          (Swift runtime and Foundation linked in, stripped)
#   dist/arogya-VERSION-linux-ARCH/share/arogya/...    (text tables and screening protocol files)
# and a .tar.gz of that folder. On the target it needs only Debian's libc6, libsqlite3-0, libncursesw6
# (with libtinfo6), libstdc++6, libgcc-s1 and zlib1g, which a standard Debian or Ubuntu already has.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --scratch-path .build-static --product arogya
version=$(.build-static/release/arogya --version)
arch=$(uname -m)
name="arogya-${version}-linux-${arch}"
rm -rf "dist/${name}"
mkdir -p "dist/${name}/bin" "dist/${name}/share/arogya"
strip -o "dist/${name}/bin/arogya" .build-static/release/arogya
cp -R assets/. "dist/${name}/share/arogya/"
tar -C dist -czf "dist/${name}.tar.gz" "${name}"
echo "dist/${name}.tar.gz"
du -h "dist/${name}/bin/arogya" "dist/${name}.tar.gz"
