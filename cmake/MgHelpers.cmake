# mg_add_module(NAME SOURCES ... DEPS ...): one static library per firmware module.
# The DEPS list is the layering (DESIGN.md §2): a module may only name modules below it.
# Each module sees only its own headers and those of the modules it links: its include root
# (build/mg-include/<module>/) holds one entry, <module> -> firmware/src/<module>, so
# #include "quarantine/X.h" compiles only where mg_quarantine is linked (DESIGN §2: the link
# graph is the layering, and now the compiler checks it).
function(mg_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(mg_${name} STATIC ${M_SOURCES})
  get_filename_component(dir_name ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  set(root ${PROJECT_BINARY_DIR}/mg-include/${name})
  if(NOT EXISTS ${root}/${dir_name})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${dir_name} SYMBOLIC)
  endif()
  target_include_directories(mg_${name} PUBLIC ${root})
  target_compile_features(mg_${name} PUBLIC cxx_std_17)
  target_link_libraries(mg_${name} PUBLIC ${M_DEPS} PRIVATE mg_warnings ${M_PRIVATE_DEPS})
endfunction()

# What a skipped test prints: GoogleTest's "[  SKIPPED ]" (only ever printed for a skip; test
# names are CamelCase), Python unittest's "(skipped=N)". ctest then reports the test as
# skipped instead of passed, and tools/test.sh fails a CI run that skipped anything.
set(MG_GTEST_SKIPPED "SKIPPED")
set(MG_UNITTEST_SKIPPED "skipped=")

# mg_add_unit_test(NAME SOURCES ... DEPS ... [LABEL integration]): a GoogleTest binary
# registered with ctest, labelled `unit` unless it says otherwise (tests that open sockets
# are `integration`, and the cross build under qemu runs only `unit`).
function(mg_add_unit_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;DEPS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main mg_warnings)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "${name}." PROPERTIES LABELS ${T_LABEL} SKIP_REGULAR_EXPRESSION ${MG_GTEST_SKIPPED})
endfunction()
