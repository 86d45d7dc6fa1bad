# Helpers shared by every CMakeLists.txt of the project.

# Warnings we keep clean. Applied to our own targets only, never to generated protobuf code.
function(credence_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wno-unused-parameter
                                           -Wno-missing-field-initializers)
endfunction()

# Module boundaries (docs/architecture.md, "Module boundaries").
#
# A module is the folder src/<name>/, included as "<name>/file.h". Its DEPS are the modules
# its own files include directly; they are the one source of the layering (tests/layering.txt
# is a copy that the `layering` test compares with them). A module may USE (see on its
# include path) itself, its DEPS and, transitively, their DEPS, because the headers of a
# dependency include the headers of its own dependencies (engine includes
# features/feature_plan.h, which includes io/ingest.h, which includes core/time.h). Everything else is absent from its include path, so a forbidden include
# fails to compile. The `layering` text check is stricter: a file may include only its own
# module and the DEPS listed directly, and every listed edge must be used.
#
# The include path of a target is one generated folder, <build>/include_roots/<target>/,
# holding a symbolic link per visible module (expr -> <source>/src/expr) and, for modules, a
# credence/ folder with links to the public headers whose owner module it may use
# (CREDENCE_PUBLIC_HEADER_OWNERS in the top-level CMakeLists.txt). Front ends, tests,
# benchmarks and fuzzers see every public header (include/) plus the modules they name with
# credence_use_modules(). The generated protobuf headers (credence/v1/*.pb.h) are visible to
# every target: they are the wire schema, below every module.

# credence_add_module(<name> SOURCES ... [DEPS <modules>...] [PRIVATE_LIBS <targets>...]
#                     [NOT_IN_LIBRARY])
#
# Declares the OBJECT library credence_<name> from src/<name>/. DEPS names the modules its
# files include directly (see above). PRIVATE_LIBS are third-party targets used inside the
# module only (Eigen, RE2, ...); the ones with a link step (RE2) are also linked PRIVATE into
# the final library so a static build carries them. NOT_IN_LIBRARY modules (tooling:
# fitting, simulation, lint, conformance) stay out of the product library `credence`; the
# CLI, the Python binding, tests and benchmarks get them through `credence_internal`.
# The include root is made by credence_finish_modules() once every module is declared.
function(credence_add_module name)
  cmake_parse_arguments(ARG "NOT_IN_LIBRARY" "" "SOURCES;DEPS;PRIVATE_LIBS" ${ARGN})
  add_library(credence_${name} OBJECT ${ARG_SOURCES})
  target_link_libraries(credence_${name} PUBLIC credence_proto)
  target_compile_features(credence_${name} PUBLIC cxx_std_20)
  set_property(GLOBAL PROPERTY CREDENCE_MODULE_DEPS_${name} ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY CREDENCE_ALL_MODULES ${name})
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

# credence_module_closure(<out> <modules>...): the modules plus, transitively, their DEPS.
function(credence_module_closure out)
  get_property(declared GLOBAL PROPERTY CREDENCE_ALL_MODULES)
  set(result)
  set(pending ${ARGN})
  while(pending)
    list(POP_FRONT pending m)
    if(m IN_LIST result)
      continue()
    endif()
    if(NOT m IN_LIST declared)
      message(FATAL_ERROR "credence: \"${m}\" is not a module (declared: ${declared})")
    endif()
    list(APPEND result ${m})
    get_property(deps GLOBAL PROPERTY CREDENCE_MODULE_DEPS_${m})
    list(APPEND pending ${deps})
  endwhile()
  list(SORT result)
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# credence_make_include_root(<target> MODULES <modules>... [TREES <dirs>...]
#                            [PUBLIC_HEADERS <files>...])
# (Re)creates <build>/include_roots/<target>/ with a link per module (to src/<module>), per
# TREE (a top-level folder of the repository, e.g. tests) and per public header (under
# credence/), and puts it first on the target's include path.
function(credence_make_include_root target)
  cmake_parse_arguments(ARG "" "" "MODULES;TREES;PUBLIC_HEADERS" ${ARGN})
  set(root ${PROJECT_BINARY_DIR}/include_roots/${target})
  file(REMOVE_RECURSE ${root})  # removes links, never what they point to
  file(MAKE_DIRECTORY ${root})
  foreach(m IN LISTS ARG_MODULES)
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${m} ${root}/${m} SYMBOLIC)
  endforeach()
  foreach(t IN LISTS ARG_TREES)
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${t} ${root}/${t} SYMBOLIC)
  endforeach()
  if(ARG_PUBLIC_HEADERS)
    file(MAKE_DIRECTORY ${root}/credence)
    foreach(h IN LISTS ARG_PUBLIC_HEADERS)
      get_filename_component(name ${h} NAME)
      file(CREATE_LINK ${h} ${root}/credence/${name} SYMBOLIC)
    endforeach()
  endif()
  target_include_directories(${target} BEFORE PRIVATE ${root})
endfunction()

# credence_use_modules(<target> [MODULES <modules>...] [TREES <dirs>...])
#
# For front ends (CLI, Python binding), tests, benchmarks and fuzzers: the target sees every
# public header, the named modules and their dependencies (credence_module_closure), and the
# named top-level folders of the repository (TREES tests: "tests/testing/builders.h").
# It links nothing: link credence_internal (or credence) as before.
function(credence_use_modules target)
  cmake_parse_arguments(ARG "" "" "MODULES;TREES" ${ARGN})
  credence_module_closure(visible ${ARG_MODULES})
  credence_make_include_root(${target} MODULES ${visible} TREES ${ARG_TREES})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/include
                                               ${PROJECT_BINARY_DIR}/include)
  set_property(TARGET ${target} PROPERTY CREDENCE_VISIBLE_MODULES ${visible})
endfunction()

# credence_public_header_owner(<out> <header path>): the module owning a public header, from
# CREDENCE_PUBLIC_HEADER_OWNERS ("engine.h=engine" ...). Stops configuring when it has none.
function(credence_public_header_owner out header)
  get_filename_component(name ${header} NAME)
  foreach(pair IN LISTS CREDENCE_PUBLIC_HEADER_OWNERS)
    if(pair MATCHES "^([^=]+)=(.+)$" AND CMAKE_MATCH_1 STREQUAL name)
      set(${out} ${CMAKE_MATCH_2} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "credence: the public header credence/${name} has no owner module; add "
                      "\"${name}=<module that implements it>\" to CREDENCE_PUBLIC_HEADER_OWNERS "
                      "in the top-level CMakeLists.txt")
endfunction()

# credence_finish_modules(PUBLIC_HEADERS <files>... LAYERING_FILE <file>)
#
# Called once after every module is declared: checks the DEPS, gives every module its include
# root (its closure, and the public headers owned by a module of its closure) and writes the
# declared layering to LAYERING_FILE ("module: deps", declaration order) for the `layering`
# test. Each target's visible modules are kept in its CREDENCE_VISIBLE_MODULES property.
function(credence_finish_modules)
  cmake_parse_arguments(ARG "" "LAYERING_FILE" "PUBLIC_HEADERS" ${ARGN})
  get_property(declared GLOBAL PROPERTY CREDENCE_ALL_MODULES)
  set(owners)
  foreach(h IN LISTS ARG_PUBLIC_HEADERS)
    credence_public_header_owner(owner ${h})
    if(NOT owner IN_LIST declared)
      message(FATAL_ERROR "credence: CREDENCE_PUBLIC_HEADER_OWNERS gives ${h} to \"${owner}\", "
                          "which is not a module")
    endif()
    get_filename_component(name ${h} NAME)
    list(APPEND owners "${name}=${owner}")
  endforeach()
  set(layering "# Generated from the DEPS of credence_add_module (cmake/CredenceHelpers.cmake).\n")
  foreach(m IN LISTS declared)
    credence_module_closure(visible ${m})
    set(headers)
    foreach(h IN LISTS ARG_PUBLIC_HEADERS)
      credence_public_header_owner(owner ${h})
      if(owner IN_LIST visible)
        list(APPEND headers ${h})
      endif()
    endforeach()
    credence_make_include_root(credence_${m} MODULES ${visible} PUBLIC_HEADERS ${headers})
    set_property(TARGET credence_${m} PROPERTY CREDENCE_VISIBLE_MODULES ${visible})
    get_property(deps GLOBAL PROPERTY CREDENCE_MODULE_DEPS_${m})
    foreach(d IN LISTS deps)
      credence_module_closure(below ${d})
      if(m IN_LIST below)
        message(FATAL_ERROR "credence: module ${m} depends on ${d}, which depends on ${m}")
      endif()
    endforeach()
    list(JOIN deps " " deps)
    string(APPEND layering "${m}: ${deps}\n")
  endforeach()
  list(JOIN owners " " owners)
  string(APPEND layering "public: ${owners}\n")
  file(CONFIGURE OUTPUT ${ARG_LAYERING_FILE} CONTENT "${layering}")
endfunction()

# credence_link_allocator(<target>): links the allocator CREDENCE_MALLOC names into a program
# (the CLI, the benchmarks). The library never does: a host keeps its own allocator.
function(credence_link_allocator target)
  if(TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
