# Smoke test of one example: cmake -DEXAMPLE=exe -DARGS="--flag=value" -DOUT=dir -DSVG=file.svg -P this.
# Runs the example into a fresh OUT, fails on a non-zero exit code or when OUT/SVG was not written.
file(REMOVE_RECURSE "${OUT}")
# ARGS arrives as one string ("--a=1 --b=2") or as a CMake list ("--a=1;--b=2", from a function's ARGN).
string(REPLACE ";" " " ARGS "${ARGS}")
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND "${EXAMPLE}" ${args} --out "${OUT}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${EXAMPLE} exited with ${result}")
endif()
if(NOT EXISTS "${OUT}/${SVG}")
  message(FATAL_ERROR "${EXAMPLE} did not write ${OUT}/${SVG}")
endif()
