# mg_warnings: the one place compiler warnings, hardening and sanitizers are decided.
add_library(mg_warnings INTERFACE)
target_compile_options(mg_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wformat=2
  $<$<BOOL:${MG_WERROR}>:-Werror>)
# What ships (every optimised build): the hardening Debian's own packages get from
# dpkg-buildflags (stack protector, fortified libc calls, read-only relocations bound at load,
# PIE), which lintian checks in the .deb. Not in Debug builds: -O0 can't fortify, and what
# they are for (tests, sanitizers, debugging) gains nothing from it.
if(NOT MG_SANITIZE AND NOT MG_FUZZ)
  set(_mg_ship $<NOT:$<CONFIG:Debug>>)
  target_compile_options(mg_warnings INTERFACE
    $<${_mg_ship}:-fstack-protector-strong> $<${_mg_ship}:-fPIE> $<${_mg_ship}:-D_FORTIFY_SOURCE=2>)
  target_link_options(mg_warnings INTERFACE $<${_mg_ship}:-pie> $<${_mg_ship}:LINKER:-z,relro,-z,now>)
endif()
if(MG_SANITIZE)
  target_compile_options(mg_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(mg_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(MG_FUZZ)
  # Coverage-guided fuzzing needs the code under test instrumented, not only the harness.
  target_compile_options(mg_warnings INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(mg_warnings INTERFACE -fsanitize=address,undefined)
endif()
