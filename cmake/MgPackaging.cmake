# MgPackaging: what the appliance installs besides the programs, and the Debian package made
# of it (CPack DEB). One package per architecture, from the build directory of that
# architecture: build/release (amd64), build/aarch64 (arm64), build/armhf (armhf).
#
#   cmake --build --preset aarch64 --target mailgated mailgate-led mailgatectl mg_man_pages
#   (cd build/aarch64 && cpack -G DEB)        -> build/aarch64/mailgate_0.1.0_arm64.deb
#
# tools/package-deb does exactly that and runs lintian on the result (docs/packaging.md).

# `make install` and CPack install what was built; they don't build the test binaries too.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(_mg_overlay ${PROJECT_SOURCE_DIR}/rootfs-overlay)
set(_mg_pkg ${PROJECT_SOURCE_DIR}/packaging)

# Where Debian 12 wants them. Units in /lib/systemd/system: bookworm's debhelper and lintian
# still expect that path (the /usr/lib move came with trixie); the image is merged-/usr, so
# both name the same place on the box. The overlay keeps the /usr/lib layout of the image.
set(MG_SYSTEMD_UNITDIR /lib/systemd/system CACHE STRING "Where the .deb puts systemd units")
install(FILES ${_mg_overlay}/usr/lib/systemd/system/mailgated.service
              ${_mg_overlay}/usr/lib/systemd/system/mailgate-led.service
        DESTINATION ${MG_SYSTEMD_UNITDIR})
install(FILES ${_mg_overlay}/usr/lib/sysusers.d/mailgate.conf DESTINATION lib/sysusers.d)
install(FILES ${_mg_overlay}/usr/lib/tmpfiles.d/mailgate.conf DESTINATION lib/tmpfiles.d)
install(FILES ${_mg_overlay}/usr/lib/systemd/journald.conf.d/50-mailgate.conf
        DESTINATION lib/systemd/journald.conf.d)
install(FILES ${_mg_overlay}/usr/share/dbus-1/system.d/org.mailgate.Mailgate1.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/dbus-1/system.d)
# Conffiles (packaging/debian/conffiles): the admin's edits survive upgrades.
# Shipped 0644 (it holds no secret as shipped); postinst makes it root:mailgate 0640, since
# an admin may put relay credentials in it.
install(FILES ${_mg_overlay}/etc/mailgate/mailgate.ini DESTINATION /etc/mailgate)
install(FILES ${_mg_overlay}/etc/avahi/services/mailgate-https.service
              ${_mg_overlay}/etc/avahi/services/mailgate-submission.service
        DESTINATION /etc/avahi/services)

# Documentation: copyright and changelog as Debian policy names them (changelog.gz for a
# native package), the operator's docs beside them, and the man pages, all gzip -9n (no name,
# no time stamp: the same bytes every build).
set(_mg_docdir ${CMAKE_INSTALL_DATADIR}/doc/mailgate)
set(_mg_gz_dir ${CMAKE_CURRENT_BINARY_DIR}/packaging)
set(_mg_gz_outputs)
function(_mg_gzip src out)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_mg_gz_dir}
    COMMAND sh -c "gzip -9nc '${src}' > '${out}'"
    DEPENDS ${src} VERBATIM)
  set(_mg_gz_outputs ${_mg_gz_outputs} ${out} PARENT_SCOPE)
endfunction()
_mg_gzip(${_mg_pkg}/debian/changelog ${_mg_gz_dir}/changelog.gz)
foreach(page mailgated.8 mailgate-led.8 mailgatectl.1)
  _mg_gzip(${_mg_pkg}/man/${page} ${_mg_gz_dir}/${page}.gz)
endforeach()
add_custom_target(mg_man_pages ALL DEPENDS ${_mg_gz_outputs})
install(FILES ${_mg_gz_dir}/changelog.gz ${_mg_pkg}/debian/copyright DESTINATION ${_mg_docdir})
install(FILES ${PROJECT_SOURCE_DIR}/docs/health.md ${PROJECT_SOURCE_DIR}/docs/api.md
              ${PROJECT_SOURCE_DIR}/docs/configuration.md ${PROJECT_SOURCE_DIR}/docs/packaging.md
        DESTINATION ${_mg_docdir})
install(FILES ${PROJECT_SOURCE_DIR}/board/raspberrypi/README.md DESTINATION ${_mg_docdir}
        RENAME board-raspberrypi.md)
install(FILES ${_mg_gz_dir}/mailgated.8.gz ${_mg_gz_dir}/mailgate-led.8.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${_mg_gz_dir}/mailgatectl.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The Debian package.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  set(_mg_deb_arch amd64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(_mg_deb_arch arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(_mg_deb_arch armhf)
else()
  set(_mg_deb_arch ${CMAKE_SYSTEM_PROCESSOR})
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mailgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "mailgate maintainers <maintainers@mailgate.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "mail interception appliance: hold, review and release mail")
# The extended description: CPack puts the summary first, indents each line, and turns the
# empty line into Debian's " ." paragraph break.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"mailgate is the software of a small LAN appliance. Its SMTP gate accepts mail
from the LAN, stores every message durably and holds it for human review or
relays it to a smarthost. Its IMAP watchers move new mail of each configured
account into a Quarantine folder. Operators release, edit or discard held mail
from a local web page or a REST API, with roles and an audit trail.

The package runs the daemon as the system user mailgate under a sandboxed
systemd unit with a watchdog, reports health on the system bus, drives a
status LED, keeps rotated backups sized for SD cards and announces itself
over Avahi.")
set(CPACK_DEBIAN_FILE_NAME "mailgate_${PROJECT_VERSION}_${_mg_deb_arch}.deb")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_mg_deb_arch})
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://mailgate.invalid/")
# Depends: the shared libraries, as dpkg-shlibdeps reads them off the binaries (for a cross
# build, tools/package-deb sets DEB_HOST_ARCH so it looks at the :arm64/:armhf libraries),
# plus what the maintainer scripts and units call.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, dbus, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "avahi-daemon")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_mg_pkg}/debian/postinst ${_mg_pkg}/debian/prerm ${_mg_pkg}/debian/postrm
    ${_mg_pkg}/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
include(CPack)
