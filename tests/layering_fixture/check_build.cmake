# Proves that the BUILD, not only the text check, rejects a forbidden include: compiles tiny
# sources with the exact compile command the build uses for a target (from
# compile_commands.json) and expects allowed includes to compile and forbidden ones to fail
# with "No such file" (the include roots of cmake/CredenceHelpers.cmake lack them).
#   cmake -DCOMPILE_COMMANDS=<build>/compile_commands.json -DSOURCE_DIR=<source>
#         -DWORK_DIR=<scratch folder> -P tests/layering_fixture/check_build.cmake
cmake_minimum_required(VERSION 3.25)

set(failures 0)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# The first header of src/<module>/, as "<module>/<file>.h": a file that really exists, so a
# failure can only come from the include root.
function(some_header out module)
  file(GLOB headers RELATIVE ${SOURCE_DIR}/src ${SOURCE_DIR}/src/${module}/*.h)
  if(NOT headers)
    message(FATAL_ERROR "no header in src/${module}/")
  endif()
  list(SORT headers)
  list(GET headers 0 first)
  set(${out} ${first} PARENT_SCOPE)
endfunction()

# The compile command of one object of <target>, as a list, without its -o and -c arguments.
function(compile_command out target)
  file(STRINGS ${COMPILE_COMMANDS} lines REGEX "\"command\": .*/CMakeFiles/${target}\\.dir/")
  if(NOT lines)
    message(FATAL_ERROR "no compile command for ${target} in ${COMPILE_COMMANDS}")
  endif()
  list(GET lines 0 line)
  string(REGEX REPLACE ",$" "" line "${line}")
  string(JSON command GET "{${line}}" command)
  separate_arguments(args UNIX_COMMAND "${command}")
  set(result)
  set(skip FALSE)
  foreach(a IN LISTS args)
    if(skip)
      set(skip FALSE)
    elseif(a STREQUAL "-o" OR a STREQUAL "-c")
      set(skip TRUE)
    else()
      list(APPEND result "${a}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# expect(<case name> <target> <include> OK|MISSING)
function(expect name target include outcome)
  compile_command(command ${target})
  set(source ${WORK_DIR}/${name}.cc)
  file(WRITE ${source} "#include \"${include}\"\n")
  execute_process(COMMAND ${command} -fsyntax-only ${source} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE output ERROR_VARIABLE output)
  string(REPLACE "." "\\." include_re "${include}")
  if(outcome STREQUAL "OK" AND rc EQUAL 0)
    message(STATUS "ok: ${target} compiles #include \"${include}\"")
  elseif(outcome STREQUAL "MISSING" AND NOT rc EQUAL 0 AND
         output MATCHES "${include_re}[:'][^\n]*(No such file|not found)")
    message(STATUS "ok: ${target} fails on #include \"${include}\" (not on its include path)")
  else()
    message(NOTICE "FAILED: ${target} with #include \"${include}\": expected ${outcome}, "
                   "compiler exit ${rc}:\n${output}")
    math(EXPR failures "${failures} + 1")
    set(failures ${failures} PARENT_SCOPE)
  endif()
endfunction()

some_header(io_header io)
some_header(rules_header rules)
some_header(core_header core)
# A module sees its DEPS and theirs (features -> io -> core), and the public headers of
# those modules; not a module above it, nor the public header of the engine.
expect(features_io credence_features ${io_header} OK)
expect(features_public_core credence_features credence/status.h OK)
expect(features_rules credence_features ${rules_header} MISSING)
expect(features_public_engine credence_features credence/engine.h MISSING)
# A test sees the module it tests and its dependencies, and every public header.
expect(core_test_core credence_core_test ${core_header} OK)
expect(core_test_public credence_core_test credence/engine.h OK)
expect(core_test_io credence_core_test ${io_header} MISSING)

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} include-root check(s) failed")
endif()
