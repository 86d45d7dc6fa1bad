# Tree-ensemble benchmark: credence vs XGBoost's C API on one 300-tree model.
# Included from bench/CMakeLists.txt (paths are relative to this file, so it also works when
# included from elsewhere). Needs Debian's libbenchmark-dev, libxgboost-dev and, to
# generate the model at build time, python3-xgboost; skipped with a message otherwise.
find_package(benchmark REQUIRED)
find_path(CREDENCE_XGBOOST_INCLUDE_DIR xgboost/c_api.h)
find_library(CREDENCE_XGBOOST_LIBRARY xgboost)
set(credence_tree_bench_python /usr/bin/python3)
execute_process(COMMAND ${credence_tree_bench_python} -c "import xgboost"
                RESULT_VARIABLE credence_tree_bench_no_xgb_python OUTPUT_QUIET ERROR_QUIET)

if(NOT CREDENCE_XGBOOST_INCLUDE_DIR OR NOT CREDENCE_XGBOOST_LIBRARY)
  message(STATUS "tree_bench: libxgboost-dev not found, credence_tree_bench not built")
elseif(credence_tree_bench_no_xgb_python)
  message(STATUS "tree_bench: python3-xgboost not importable, credence_tree_bench not built")
else()
  set(credence_tree_bench_dir ${CMAKE_CURRENT_BINARY_DIR}/tree_bench_data)
  set(credence_tree_bench_model ${credence_tree_bench_dir}/tree_bench_model.json)
  set(credence_tree_bench_gen ${CMAKE_CURRENT_LIST_DIR}/../tests/models/gen_xgboost_fixtures.py)
  add_custom_command(
    OUTPUT ${credence_tree_bench_model}
    COMMAND ${credence_tree_bench_python} ${credence_tree_bench_gen} --bench
            ${credence_tree_bench_dir}
    DEPENDS ${credence_tree_bench_gen}
    COMMENT "Training the 300-tree benchmark model with XGBoost")
  add_custom_target(credence_tree_bench_model DEPENDS ${credence_tree_bench_model})

  add_executable(credence_tree_bench ${CMAKE_CURRENT_LIST_DIR}/tree_bench.cc)
  add_dependencies(credence_tree_bench credence_tree_bench_model)
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/bench_main.cc)
    target_sources(credence_tree_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bench_main.cc)
    target_link_libraries(credence_tree_bench PRIVATE benchmark::benchmark)
  else()
    target_link_libraries(credence_tree_bench PRIVATE benchmark::benchmark_main)
  endif()
  credence_use_modules(credence_tree_bench MODULES models)
  target_include_directories(credence_tree_bench PRIVATE ${CREDENCE_XGBOOST_INCLUDE_DIR})
  target_link_libraries(credence_tree_bench PRIVATE credence_internal
                                                    ${CREDENCE_XGBOOST_LIBRARY})
  target_compile_definitions(credence_tree_bench PRIVATE
    CREDENCE_TREE_BENCH_MODEL="${credence_tree_bench_model}")
  credence_set_warnings(credence_tree_bench)
  credence_link_allocator(credence_tree_bench)
  # Proves the benchmark still runs; no time threshold.
  if(CREDENCE_BUILD_TESTS)
    add_test(NAME tree_bench_smoke
             COMMAND credence_tree_bench --benchmark_min_time=0.01
                     --benchmark_filter=rows:1/)
  endif()
endif()
