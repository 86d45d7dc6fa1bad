# End-to-end scoring of simulated enterprises with the cross-border bundle: decode (JSON or
# binary), features, rules, models, decision, explanations; median and p99 per request for
# histories of about 100, 1,000 and 10,000 events; requests/s on 1 and 2 threads.
credence_add_benchmark(e2e_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/e2e_bench.cc MODULES sim)
# A fixed amount of the same work for instruction-count and sampling profiles
# (docs/performance.md). Not a benchmark: no smoke test.
add_executable(e2e_profile ${CMAKE_CURRENT_LIST_DIR}/e2e_profile.cc)
credence_use_modules(e2e_profile MODULES sim TREES bench tests)
target_link_libraries(e2e_profile PRIVATE credence_internal)
target_compile_definitions(e2e_profile PRIVATE CREDENCE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
credence_set_warnings(e2e_profile)
