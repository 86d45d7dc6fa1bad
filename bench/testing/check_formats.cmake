# cmake -DBENCH=<program> -DFILTER=<regex> -P check_formats.cmake
# Runs a benchmark program that compares credence with an alternative in each machine-readable
# format and checks that stdout is exactly that format (JSON parses, CSV has no stray lines)
# while the credence-vs-alternative ratios still appear, on stderr.
function(run_bench format out_var err_var)
  execute_process(COMMAND ${BENCH} --benchmark_format=${format} --benchmark_filter=${FILTER}
                          --benchmark_min_time=0.001
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${BENCH} --benchmark_format=${format} exited ${rc}: ${err}")
  endif()
  if(NOT err MATCHES "ratios \\(alternative time / credence time\\):\n  [^\n]+ speedup vs")
    message(FATAL_ERROR "no ratio on stderr with --benchmark_format=${format}:\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

run_bench(json out err)
string(JSON n ERROR_VARIABLE json_error LENGTH "${out}" benchmarks)
if(json_error)
  message(FATAL_ERROR "stdout is not the JSON report (${json_error}):\n${out}")
endif()
if(n LESS 2)
  message(FATAL_ERROR "the JSON report holds ${n} benchmarks; the filter selects two")
endif()

run_bench(csv out err)
string(REGEX REPLACE "\n$" "" out "${out}")
string(REPLACE "\n" ";" lines "${out}")
list(GET lines 0 header)
if(NOT header MATCHES "^name,iterations,")
  message(FATAL_ERROR "stdout does not start with the CSV header:\n${out}")
endif()
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^(name,|\")")
    message(FATAL_ERROR "a line on stdout that is not CSV: '${line}'")
  endif()
endforeach()
message(STATUS "${BENCH}: JSON with ${n} benchmarks, CSV clean; ratios on stderr")
