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
