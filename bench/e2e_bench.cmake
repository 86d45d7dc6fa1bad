# End-to-end scoring of simulated enterprises with the cross-border bundle: decode (JSON or
# binary), features, rules, models, decision, explanations; median and p99 per request for
# histories of about 100, 1,000 and 10,000 events; requests/s on 1 and 2 threads.
credence_add_benchmark(e2e_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/e2e_bench.cc MODULES sim)
