# The text half of the module boundaries (docs/architecture.md, "Module boundaries").
#   cmake -DSRC_DIR=src -DRULES=tests/layering.txt [-DDECLARED=<build>/layering_declared.txt]
#         -P tests/check_layering.cmake
# DECLARED is written at configure time from the DEPS of credence_add_module, the one source
# of the layering. Both #include "..." and #include <...> are read. This script fails when
#   - RULES (the copy in the repository) differs from DECLARED;
#   - a file of src/<module>/ includes a module, or a public header (credence/x.h, by the
#     module owning it: the "public:" line), that is not the module itself or one of its
#     direct DEPS;
#   - a declared edge is used by no include of the module (so the list names only real edges);
#   - an include climbs out of its folder ("../x/y.h"), which would get around the include
#     roots;
#   - a folder of src/ is not a declared module.
# The include roots (cmake/CredenceHelpers.cmake) make the build fail on the same includes;
# this check also gives the exact direct list and finds unused edges.
cmake_minimum_required(VERSION 3.25)

set(violations 0)
macro(violation)
  message(NOTICE "layering: " ${ARGV})
  math(EXPR violations "${violations} + 1")
endmacro()

# Reads "module: deps" lines and the "public: header=module ..." line of <file> into
# <prefix>_modules (in order), <prefix>_deps_<module> and <prefix>_owners.
function(read_layering file prefix)
  file(STRINGS ${file} lines)
  set(modules)
  set(owners)
  foreach(line IN LISTS lines)
    if(line MATCHES "^public:(.*)$")
      string(STRIP "${CMAKE_MATCH_1}" owners)
      separate_arguments(owners UNIX_COMMAND "${owners}")
    elseif(line MATCHES "^([a-z_]+):(.*)$")
      set(m ${CMAKE_MATCH_1})
      string(STRIP "${CMAKE_MATCH_2}" deps)
      separate_arguments(deps UNIX_COMMAND "${deps}")
      list(APPEND modules ${m})
      set(${prefix}_deps_${m} ${deps} PARENT_SCOPE)
    endif()
  endforeach()
  set(${prefix}_modules ${modules} PARENT_SCOPE)
  set(${prefix}_owners ${owners} PARENT_SCOPE)
endfunction()

# Whether two lists hold the same elements, in any order.
function(same_set out a b)
  set(x ${${a}})
  set(y ${${b}})
  list(SORT x)
  list(SORT y)
  if("${x}" STREQUAL "${y}")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

get_filename_component(SRC_DIR ${SRC_DIR} ABSOLUTE)
read_layering(${RULES} rules)
if(DEFINED DECLARED)
  read_layering(${DECLARED} declared)
  set(all_modules ${rules_modules} ${declared_modules})
  list(REMOVE_DUPLICATES all_modules)
  foreach(m IN LISTS all_modules)
    if(NOT m IN_LIST declared_modules)
      violation("${RULES} lists module ${m}, which CMake does not declare")
    elseif(NOT m IN_LIST rules_modules)
      violation("${RULES} lacks the line of module ${m} (CMake declares ${m}: "
                "${declared_deps_${m}})")
    else()
      same_set(same rules_deps_${m} declared_deps_${m})
      if(NOT same)
        list(JOIN rules_deps_${m} " " says)
        list(JOIN declared_deps_${m} " " declares)
        violation("${RULES} says ${m}: ${says} but CMake declares ${m}: ${declares} "
                  "(credence_add_module in src/${m}/CMakeLists.txt): copy the DEPS")
      endif()
    endif()
  endforeach()
  same_set(same rules_owners declared_owners)
  if(NOT same)
    list(JOIN rules_owners " " says)
    list(JOIN declared_owners " " declares)
    violation("${RULES} says public: ${says} but CMake declares public: ${declares} "
              "(CREDENCE_PUBLIC_HEADER_OWNERS in the top-level CMakeLists.txt)")
  endif()
  set(prefix declared)
else()
  set(prefix rules)
endif()
set(modules ${${prefix}_modules})
foreach(pair IN LISTS ${prefix}_owners)
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 header)
  list(GET pair 1 owner)
  set(owner_of_${header} ${owner})
endforeach()

# The module an include names: "<module>/..." or the owner of "credence/<header>"; empty for
# local includes ("x.h"), the schema ("credence/v1/...") and other libraries ("gtest/...").
function(included_module out path file)
  set(${out} "" PARENT_SCOPE)
  if(path MATCHES "^credence/v1/")
    return()
  elseif(path MATCHES "^credence/([^/]+)$")
    if(NOT DEFINED owner_of_${CMAKE_MATCH_1})
      violation("${file} includes \"${path}\", which is not a public header with an owner")
      set(violations ${violations} PARENT_SCOPE)
      return()
    endif()
    set(${out} ${owner_of_${CMAKE_MATCH_1}} PARENT_SCOPE)
  elseif(path MATCHES "^([a-z_]+)/" AND CMAKE_MATCH_1 IN_LIST modules)
    set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
  endif()
endfunction()

file(GLOB module_dirs LIST_DIRECTORIES true ${SRC_DIR}/*)
foreach(dir IN LISTS module_dirs)
  if(NOT IS_DIRECTORY ${dir})
    continue()
  endif()
  get_filename_component(m ${dir} NAME)
  if(NOT m IN_LIST modules)
    violation("src/${m}/ is not a declared module")
    continue()
  endif()
  set(allowed ${${prefix}_deps_${m}})
  set(used)
  file(GLOB_RECURSE files ${dir}/*.h ${dir}/*.cc)
  # The public headers a module owns are its files too: what they include, it includes.
  foreach(pair IN LISTS ${prefix}_owners)
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 header)
    list(GET pair 1 owner)
    if(owner STREQUAL m AND EXISTS ${SRC_DIR}/../include/credence/${header})
      list(APPEND files ${SRC_DIR}/../include/credence/${header})
    endif()
  endforeach()
  foreach(f IN LISTS files)
    file(RELATIVE_PATH rel ${SRC_DIR} ${f})
    file(STRINGS ${f} includes REGEX "^[ \t]*#[ \t]*include[ \t]+[<\"]")
    foreach(inc IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+[<\"]([^\">]*)[\">].*$" "\\1" path "${inc}")
      if(path MATCHES "(^|/)\\.\\.(/|$)")
        violation("src/${rel} includes \"${path}\": include module headers as "
                  "\"<module>/file.h\"")
        continue()
      endif()
      included_module(target "${path}" "src/${rel}")
      if(NOT target OR target STREQUAL m)
        continue()
      endif()
      if(target IN_LIST allowed)
        list(APPEND used ${target})
      else()
        list(JOIN allowed " " allowed_text)
        violation("src/${rel} (module ${m}) includes \"${path}\" (module ${target}), but ${m} may "
                  "include only itself and: ${allowed_text}")
      endif()
    endforeach()
  endforeach()
  foreach(d IN LISTS allowed)
    if(NOT d IN_LIST used)
      violation("${m} lists \"${d}\" but no file of src/${m}/ includes it (a \"${d}/...\" "
                "header or a public header ${d} owns): drop it from the DEPS in "
                "src/${m}/CMakeLists.txt and from tests/layering.txt")
    endif()
  endforeach()
endforeach()

if(violations GREATER 0)
  message(FATAL_ERROR "${violations} layering violation(s)")
endif()
message(STATUS "layering: ok")
