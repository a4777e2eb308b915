#!/usr/bin/env bash
# Builds dist/arogya_VERSION_ARCH.deb, for a Debian 12 (or later) server or clinic machine:
#   /usr/bin/arogya, /usr/bin/arogya-hub     static Swift runtime and Foundation linked in, stripped
#   /usr/share/arogya/                        text tables and screening protocol files
#   /usr/share/man/man1/arogya*.1.gz          made by swift-argument-parser's generate-manual plugin
#   /lib/systemd/system/arogya-hub.service    the hub as the arogya-hub user, its data in /var/lib/arogya-hub
#   /etc/default/arogya-hub                   the service's settings (a conffile: an upgrade keeps edits)
#   /usr/sbin/arogya-hub-admin                arogya-hub as the service runs it, for administrators
#   /usr/share/doc/arogya/examples/           an nginx site for TLS in front of the hub
# `scripts/test-deb-install.sh` installs it in a clean Debian 12 root and uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-static
for product in arogya arogya-hub; do
    # Linked anew each time: a build of the same product without the static runtime would otherwise be
    # taken as up to date.
    rm -f "$scratch/release/$product"
    swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product "$product"
    if ldd "$scratch/release/$product" | grep -q libswift; then
        echo "package-deb: $product links the Swift runtime dynamically" >&2
        exit 1
    fi
done
version=$("$scratch/release/arogya" --version)
arch=$(dpkg --print-architecture)
name="arogya_${version}_${arch}"
root="dist/deb/${name}"
rm -rf "$root"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/sbin" "$root/usr/share/arogya" "$root/usr/share/man/man1" "$root/lib/systemd/system" \
    "$root/etc/default" "$root/usr/share/doc/arogya/examples"

for product in arogya arogya-hub; do
    strip -o "$root/usr/bin/$product" "$scratch/release/$product"
done
chmod 755 "$root/usr/bin/"*
cp -R assets/. "$root/usr/share/arogya/"

# Man pages from the commands' own help, one page a command and subcommand, by the tool of
# swift-argument-parser's generate-manual plugin. The plugin itself rebuilds every product in its own
# configuration (no static runtime), so its tool is built (asking the plugin for its help does that) and run
# on the binaries above.
swift package --scratch-path "$scratch" plugin generate-manual --help >/dev/null
tool=$(find "$scratch" -type f -name generate-manual-tool -perm -u+x | head -1)
[ -n "$tool" ] || { echo "package-deb: the generate-manual plugin's tool was not built" >&2; exit 1; }
pages="$scratch/manual"
rm -rf "$pages"
mkdir -p "$pages"
for product in arogya arogya-hub; do
    "$tool" "$scratch/release/$product" --multi-page --date "$(date -u +%F)" --output-directory "$pages"
done
for page in "$pages"/*.1; do
    gzip -9n -c "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
done
for required in arogya.1.gz arogya-hub.1.gz; do
    [ -f "$root/usr/share/man/man1/$required" ] || { echo "package-deb: no $required" >&2; exit 1; }
done

install -m 755 scripts/debian/arogya-hub-admin "$root/usr/sbin/arogya-hub-admin"
install -m 644 scripts/debian/arogya-hub.service "$root/lib/systemd/system/arogya-hub.service"
install -m 644 scripts/debian/arogya-hub.default "$root/etc/default/arogya-hub"
install -m 644 scripts/debian/nginx-arogya-hub.conf "$root/usr/share/doc/arogya/examples/nginx-arogya-hub.conf"
gzip -9n -c README.md > "$root/usr/share/doc/arogya/README.md.gz"
cat > "$root/usr/share/doc/arogya/copyright" <<'COPYRIGHT'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: arogya
Comment: Arogya, for the health workers of Ayushman Arogya Mandirs. The binaries also contain, statically
 linked, the Swift runtime and Foundation (Apache-2.0 with Runtime Library Exception), SwiftNIO,
 swift-crypto and BoringSSL, GRDB, PostgresNIO, Hummingbird, AsyncHTTPClient and swift-argument-parser
 (Apache-2.0 or MIT, each under its own licence).
COPYRIGHT
for script in postinst prerm postrm; do
    install -m 755 "scripts/debian/$script" "$root/DEBIAN/$script"
done
echo /etc/default/arogya-hub > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: arogya
Version: ${version}
Architecture: ${arch}
Maintainer: Arogya <arogya@localhost>
Installed-Size: ${size}
Depends: libc6, libsqlite3-0, libncursesw6, libtinfo6, libstdc++6, libgcc-s1, zlib1g, libssl3, passwd, ca-certificates
Recommends: man-db
Suggests: nginx, postgresql
Section: misc
Priority: optional
Description: NCD screening for Ayushman Arogya Mandirs, offline first, and its sync hub
 arogya is the terminal application of a sub-centre's Community Health Officer or ANM: patient
 lookup and registration, ABHA enrolment, screening for hypertension, diabetes and oral, breast
 and cervical cancer by the national NCD protocol, and upload to the facility's hub.
 .
 arogya-hub is that hub: the sync API, FHIR documents and ABHA relay, on SQLite for a PHC or
 PostgreSQL for a block, run by systemd as the arogya-hub user.
CONTROL
dpkg-deb --root-owner-group --build "$root" "dist/${name}.deb" >/dev/null
echo "dist/${name}.deb"
du -h "dist/${name}.deb"
