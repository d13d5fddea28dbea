# check_layers.cmake: the dependency rule of the tree, checked (ctest: layer_dependencies).
#   cmake -DROOT=<repo root> -P cmake/check_layers.cmake
# The rule, in one sentence: a folder includes only itself and the folders listed before it in
# TAPEGRAD_LAYERS; the umbrella headers at the top of autodiff/ and nn/ may include their whole library.
# So the kernels know no Tensor, Tape or ops, the core knows nothing of nn, and nn/ never reaches into a
# later layer (modules do not read files, data does not know modules, nothing but programs draws).
set(TAPEGRAD_LAYERS
  autodiff/core      # error, dtype, shape: vocabulary types
  autodiff/kernels   # gemm, thread pool, buffers, SIMD and strided loops
  autodiff/tape      # the tape, the record path, the anomaly guard
  autodiff/ops       # the scalar derivatives table (pure functions of double)
  autodiff/scalar    # Var, expressions, drivers, gradcheck
  autodiff/forward   # forward mode and second order (Dual)
  autodiff/tensor    # Tensor, the tensor front end, its rows and gradcheck
  autodiff/checkpoint  # re-recording checkpoints and user-defined derivatives over Var and Tensor
  nn/io              # files, checkpoints, NamedTensors
  nn/data            # datasets, loaders, readers
  nn/modules         # Module and its subclasses
  nn/loss            # losses
  nn/optim           # optimizers
  nn/train           # fit(), progress, History
  nn/distributed     # data-parallel training
  nn/plot            # SVG charts and image grids
)
if(NOT ROOT)
  message(FATAL_ERROR "check_layers: pass -DROOT=<repo root>")
endif()

# The layer index of a path inside the repository ("autodiff/tensor/rows/x.hpp" -> autodiff/tensor's),
# or -1 for a file directly under autodiff/ or nn/ (an umbrella), or -2 for a folder not in the list.
function(layer_of path out)
  set(index 0)
  foreach(layer IN LISTS TAPEGRAD_LAYERS)
    string(LENGTH "${layer}/" n)
    string(SUBSTRING "${path}" 0 ${n} head)
    if(head STREQUAL "${layer}/")
      set(${out} ${index} PARENT_SCOPE)
      return()
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  if(path MATCHES "^(autodiff|nn)/[^/]+$")
    set(${out} -1 PARENT_SCOPE)
  else()
    set(${out} -2 PARENT_SCOPE)
  endif()
endfunction()

file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/autodiff/*.hpp ${ROOT}/autodiff/*.cpp ${ROOT}/nn/*.hpp
     ${ROOT}/nn/*.cpp)
set(errors "")
foreach(file IN LISTS files)
  layer_of("${file}" from)
  if(from EQUAL -2)
    string(APPEND errors "  ${file}: its folder is not a layer (add it to TAPEGRAD_LAYERS in cmake/check_layers.cmake)\n")
    continue()
  endif()
  if(from EQUAL -1)  # an umbrella header
    continue()
  endif()
  file(STRINGS ${ROOT}/${file} includes REGEX "^#include [<\"]tapegrad/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include [<\"]tapegrad/([^>\"]+)[>\"].*" "\\1" target "${line}")
    layer_of("${target}" to)
    if(to EQUAL -1 OR to GREATER from)
      list(GET TAPEGRAD_LAYERS ${from} from_name)
      string(APPEND errors "  ${file} (${from_name}) includes ${target}, a later layer\n")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "layer rule broken (cmake/check_layers.cmake):\n${errors}")
endif()
list(LENGTH files count)
message(STATUS "layer rule holds for ${count} files")
