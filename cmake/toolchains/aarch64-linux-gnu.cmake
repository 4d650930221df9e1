# Cross build for 64-bit ARM on a Debian 12 host with multiarch :arm64 packages
# (tools/install-deps.sh --cross). Compiler and paths only.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Search the POCO overlay first (libpoco-dev:arm64 unpacked by install-deps, because it can't
# co-install with the amd64 one), then the host root, where CMAKE_LIBRARY_ARCHITECTURE makes
# find_* look in /usr/lib/aarch64-linux-gnu and /usr/include/aarch64-linux-gnu. Libraries,
# headers and CMake packages only from these roots (never the amd64 ones); programs from the host.
get_filename_component(_mg_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_FIND_ROOT_PATH "${_mg_root}/build/sysroot-arm64" "/")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: only the arm64 .pc files (and arch-independent ones).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest and gtest_discover_tests run the test binaries under user-mode qemu. No "-L
# /usr/aarch64-linux-gnu": that would load the cross ld.so (libc6-arm64-cross) next to the
# multiarch libc.so.6 (libc6:arm64, another Debian revision), and threads then hang. Without
# -L the multiarch /lib/ld-linux-aarch64.so.1 and its own libc are used.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-aarch64-static)
endif()
