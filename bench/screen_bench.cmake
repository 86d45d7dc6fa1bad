# Screening (docs/screening.md, "Measurements"): per-event Screen latency by history length
# against recomputing through Score, Screener + RocksDB throughput on 1 and 2 threads, state
# bytes per enterprise, detection of the simulator's attacks. The 1M-event history runs only
# with CREDENCE_BENCH_LARGE=1. BM_ScreenList: membership in a million-value named list, hash
# index against scan. The smoke test runs the small cases once.
add_executable(screen_bench ${CMAKE_CURRENT_SOURCE_DIR}/screen_bench.cc
                            ${CMAKE_CURRENT_SOURCE_DIR}/bench_main.cc)
credence_use_modules(screen_bench MODULES expr sim TREES bench tests)
target_link_libraries(screen_bench PRIVATE credence_internal benchmark::benchmark)
target_compile_definitions(screen_bench PRIVATE CREDENCE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
credence_set_warnings(screen_bench)
credence_link_allocator(screen_bench)
if(CREDENCE_BUILD_TESTS)
  add_test(NAME screen_bench_smoke
           COMMAND screen_bench "--benchmark_filter=BM_Screen/.*/history:1000/")
endif()
