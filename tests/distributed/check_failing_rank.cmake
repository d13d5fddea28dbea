# check_failing_rank.cmake: runs the failure probe under mpirun and checks that the job ENDS (no hang: a
# timeout fails the test), unsuccessfully, with rank 1's error in the output.
#   cmake -DMPIRUN="mpirun;-np;2;..." -DPROBE=<tapegrad_distributed_failure> -P check_failing_rank.cmake
execute_process(COMMAND ${MPIRUN} ${PROBE} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT 60)
message(STATUS "exit: ${result}\n--- stdout\n${out}\n--- stderr\n${err}")
if(result MATCHES "timeout|Process terminated due to timeout")
  message(FATAL_ERROR "the job hung: rank 0 still waited after 60 s")
endif()
if(result STREQUAL "0")
  message(FATAL_ERROR "the job succeeded although rank 1 failed")
endif()
string(FIND "${out}${err}" "rank 1 of 2: distributed::fit failed: probe: rank 1 fails on purpose" at)
if(at EQUAL -1)
  message(FATAL_ERROR "rank 1's error is not in the job's output")
endif()
