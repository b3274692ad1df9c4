# Build speed on a 2-core machine: ccache and mold when present.
find_program(IOTEMU_CCACHE ccache)
if(IOTEMU_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${IOTEMU_CCACHE})
endif()
find_program(IOTEMU_MOLD mold)
if(IOTEMU_MOLD)
  add_link_options(-fuse-ld=mold)
endif()
