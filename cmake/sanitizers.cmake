# Instrumented builds, each in its own build directory (scripts/test --sanitize, scripts/fuzz):
#   IOTEMU_SANITIZE=address,undefined | thread   every target built with those sanitizers, the
#                                                first error fatal (the suite fails, never warns);
#   IOTEMU_FUZZ=ON                               clang only: libraries instrumented for libFuzzer
#                                                with ASan and UBSan, and the tests/fuzz targets.
set(IOTEMU_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address,undefined or thread")
option(IOTEMU_FUZZ "Build the libFuzzer targets of tests/fuzz/ (clang only)" OFF)

if(IOTEMU_SANITIZE)
  add_compile_options(-fsanitize=${IOTEMU_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${IOTEMU_SANITIZE})
endif()

if(IOTEMU_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "IOTEMU_FUZZ=ON needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(IOTEMU_SANITIZE)
    message(FATAL_ERROR "IOTEMU_FUZZ=ON brings its own sanitizers; leave IOTEMU_SANITIZE empty")
  endif()
  set(IOTEMU_FUZZ_SANITIZERS address,undefined)
  add_compile_options(-fsanitize=fuzzer-no-link,${IOTEMU_FUZZ_SANITIZERS}
                      -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${IOTEMU_FUZZ_SANITIZERS})
endif()
