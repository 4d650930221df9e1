# Cross build for 32-bit ARM (armhf, ARMv7 hard-float) on a Debian 12 host with multiarch :armhf packages
# (tools/install-deps.sh --armhf). Compiler and paths only.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

# Search the POCO overlay first (libpoco-dev:armhf unpacked by install-deps, because it can't
# co-install with the amd64 one), then the host root, where CMAKE_LIBRARY_ARCHITECTURE makes
# find_* look in /usr/lib/arm-linux-gnueabihf and /usr/include/arm-linux-gnueabihf. Libraries,
# headers and CMake packages only from these roots (never the amd64 ones); programs from the host.
get_filename_component(_mg_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_FIND_ROOT_PATH "${_mg_root}/build/sysroot-armhf" "/")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: only the armhf .pc files (and arch-independent ones).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/arm-linux-gnueabihf/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest and gtest_discover_tests run the test binaries under user-mode qemu. No "-L
# /usr/arm-linux-gnueabihf": that would load the cross ld.so (libc6-armhf-cross) next to the
# multiarch libc.so.6 (libc6:armhf, another Debian revision), and threads then hang. Without
# -L the multiarch /lib/ld-linux-armhf.so.3 and its own libc are used.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-arm-static)
endif()
