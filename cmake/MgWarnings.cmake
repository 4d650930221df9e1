# mg_warnings: the one place compiler warnings and sanitizers are decided.
add_library(mg_warnings INTERFACE)
target_compile_options(mg_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference -Wformat=2
  $<$<BOOL:${MG_WERROR}>:-Werror>)
if(MG_SANITIZE)
  target_compile_options(mg_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(mg_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(MG_FUZZ)
  # Coverage-guided fuzzing needs the code under test instrumented, not only the harness.
  target_compile_options(mg_warnings INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(mg_warnings INTERFACE -fsanitize=address,undefined)
endif()
