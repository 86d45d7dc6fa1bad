# cmake -DNM=nm -DLIB=<library> -DEXPECT=absent|present -P check_fit_symbols.cmake
# Counts the credence::fit symbols of LIB; fails unless they are as EXPECTed. It also fails
# when LIB has no credence symbol at all (then nothing was checked).
function(count_symbols pattern out)
  execute_process(COMMAND ${NM} -C ${LIB} COMMAND grep -c "${pattern}"
                  OUTPUT_VARIABLE n OUTPUT_STRIP_TRAILING_WHITESPACE RESULTS_VARIABLE rcs)
  list(GET rcs 0 nm_rc)
  if(NOT nm_rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${LIB}")
  endif()
  if(n STREQUAL "")
    set(n 0)
  endif()
  set(${out} ${n} PARENT_SCOPE)
endfunction()

count_symbols("credence::" all)
count_symbols("credence::fit::" fit)
if(all EQUAL 0)
  message(FATAL_ERROR "${LIB} has no credence symbol: nothing was checked")
endif()
if(EXPECT STREQUAL "absent" AND NOT fit EQUAL 0)
  message(FATAL_ERROR "${LIB} holds ${fit} credence::fit symbols; fitting must stay out of it")
elseif(EXPECT STREQUAL "present" AND fit EQUAL 0)
  message(FATAL_ERROR "${LIB} holds no credence::fit symbol: the check cannot see them")
endif()
message(STATUS "${LIB}: ${all} credence symbols, ${fit} of them credence::fit")
