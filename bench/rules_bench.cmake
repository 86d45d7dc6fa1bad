# Rules benchmark: 100 realistic rules evaluated by credence's CEL engine and by Lua 5.4
# through its C API (Debian's liblua5.4-dev), in the same run. Skipped without Lua.
pkg_check_modules(LUA54 IMPORTED_TARGET lua5.4)
if(NOT LUA54_FOUND)
  message(STATUS "rules_bench: liblua5.4-dev not found, rules_bench not built")
else()
  credence_add_benchmark(rules_bench SOURCES ${CMAKE_CURRENT_LIST_DIR}/rules_bench.cc
                         MODULES rules LIBS PkgConfig::LUA54)
endif()
