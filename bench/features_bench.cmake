# Feature evaluation: the compiled FeaturePlan against the naive reference evaluator
# (tests/features/naive_reference.h) on the same 100 features and histories.
credence_add_benchmark(features_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/features_bench.cc
                       MODULES features)
