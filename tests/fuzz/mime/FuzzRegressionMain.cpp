// Shim: mg_add_fuzz_target (tests/fuzz/CMakeLists.txt) names FuzzRegressionMain.cpp relative
// to the *calling* directory (CMAKE_CURRENT_SOURCE_DIR inside a function). Delete this file
// once the helper uses CMAKE_CURRENT_FUNCTION_LIST_DIR.
#include "../FuzzRegressionMain.cpp"  // NOLINT(bugprone-suspicious-include)
