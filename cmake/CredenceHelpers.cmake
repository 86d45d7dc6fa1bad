# Helpers shared by every CMakeLists.txt of the project.

# Warnings we keep clean. Applied to our own targets only, never to generated protobuf code.
function(credence_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wno-unused-parameter
                                           -Wno-missing-field-initializers)
endfunction()

# credence_add_module(<name> SOURCES ... [DEPS <modules>...] [PRIVATE_LIBS <targets>...]
#                     [NOT_IN_LIBRARY])
#
# Declares the OBJECT library credence_<name> from src/<name>/. DEPS names the modules below
# it that it may include (checked by the `layering` test against tests/layering.txt); they
# are linked PUBLIC so include paths flow downward. PRIVATE_LIBS are third-party targets
# used inside the module only (Eigen, RE2, ...); they are also linked PRIVATE into the final
# library so a static build carries them. NOT_IN_LIBRARY modules (tooling: fitting, simulation,
# lint, conformance) stay out of the product library `credence`; the CLI, the Python binding,
# tests and benchmarks get them through `credence_internal`.
function(credence_add_module name)
  cmake_parse_arguments(ARG "NOT_IN_LIBRARY" "" "SOURCES;DEPS;PRIVATE_LIBS" ${ARGN})
  add_library(credence_${name} OBJECT ${ARG_SOURCES})
  target_include_directories(credence_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(credence_${name} PUBLIC credence_proto)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(credence_${name} PUBLIC credence_${dep})
  endforeach()
  if(ARG_PRIVATE_LIBS)
    target_link_libraries(credence_${name} PRIVATE ${ARG_PRIVATE_LIBS})
    set_property(GLOBAL APPEND PROPERTY CREDENCE_PRIVATE_LINK_DEPS ${ARG_PRIVATE_LIBS})
  endif()
  credence_set_warnings(credence_${name})
  if(ARG_NOT_IN_LIBRARY)
    set_property(GLOBAL APPEND PROPERTY CREDENCE_TOOLING_MODULES ${name})
  else()
    set_property(GLOBAL APPEND PROPERTY CREDENCE_MODULES ${name})
  endif()
endfunction()
