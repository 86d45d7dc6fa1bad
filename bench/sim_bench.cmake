# The history simulator: events generated per second, alone and with JSON / binary encoding
# (the `credence simulate` pipeline). The issue asks for >= 100,000 events/s.
credence_add_benchmark(sim_bench SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sim_bench.cc MODULES sim)
