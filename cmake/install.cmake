# `cmake --install` and `cpack -G DEB` (README, "Install"). Two components:
#   runtime:     bin/iot-emulator; share/iot-emulator/node_modules, the AWS SDKs nodejs handlers
#                get as NODE_PATH (found relative to the binary, rules/lambda/node_sdk.hpp);
#                share/iot-emulator/fixtures, the sample handlers, templates and policies;
#                share/doc/iot-emulator, the README and docs/.
#   development: the CMake package find_package(IotEmulator) with IotEmulator::embedded — its
#                header under include/iotemu/, the static libraries under lib/iot-emulator/.
# The Node.js SDKs are JavaScript, the same on every architecture: share/, as Debian keeps its
# own Node.js modules in /usr/share/nodejs. The Lambda bootstraps are not installed: they are
# compiled into the binary, which writes them to its data dir.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS iot-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
# Present only when scripts/setup ran npm before the build; without it the binary warns when a
# nodejs function is deployed.
set(IOTEMU_NODE_MODULES_DESTINATION ${CMAKE_INSTALL_DATADIR}/iot-emulator/node_modules)
install(DIRECTORY ${IOTEMU_LAMBDA_NODE_MODULES}/ DESTINATION ${IOTEMU_NODE_MODULES_DESTINATION}
  COMPONENT runtime OPTIONAL USE_SOURCE_PERMISSIONS
  PATTERN .bin EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/fixtures/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/iot-emulator/fixtures
  COMPONENT runtime USE_SOURCE_PERMISSIONS
  PATTERN fuzz EXCLUDE)
set(doc_dir ${CMAKE_INSTALL_DATAROOTDIR}/doc/iot-emulator)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${doc_dir} COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${doc_dir}/docs COMPONENT runtime)

# Every static library of the emulator (IotEmulator::embedded links them all, directly or not).
function(iotemu_static_libraries out)
  set(found)
  foreach(directory ${ARGN})
    get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target ${targets})
      get_target_property(type ${target} TYPE)
      if(type STREQUAL STATIC_LIBRARY)
        list(APPEND found ${target})
      endif()
    endforeach()
    get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
    if(subdirectories)
      iotemu_static_libraries(below ${subdirectories})
      list(APPEND found ${below})
    endif()
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()
iotemu_static_libraries(libraries ${PROJECT_SOURCE_DIR}/emulator ${PROJECT_SOURCE_DIR}/rules)

set(package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/IotEmulator)
install(TARGETS ${libraries} EXPORT IotEmulatorTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/iot-emulator COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/emulator/embedded/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
# The pytest plugin, the other test helper (README, "In your own tests: pytest").
install(FILES ${PROJECT_SOURCE_DIR}/python/pytest_iot_emulator.py
  ${PROJECT_SOURCE_DIR}/python/pyproject.toml
  DESTINATION ${CMAKE_INSTALL_DATADIR}/iot-emulator/python COMPONENT development)
install(EXPORT IotEmulatorTargets NAMESPACE IotEmulator:: DESTINATION ${package_dir}
  COMPONENT development)
configure_package_config_file(cmake/IotEmulatorConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/IotEmulatorConfig.cmake INSTALL_DESTINATION ${package_dir}
  PATH_VARS IOTEMU_NODE_MODULES_DESTINATION)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/IotEmulatorConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/IotEmulatorConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/IotEmulatorConfigVersion.cmake
  DESTINATION ${package_dir} COMPONENT development)

# cpack -G DEB: iot-emulator (the tool) and iot-emulator-dev (the CMake package).
set(CPACK_PACKAGE_NAME iot-emulator)
set(CPACK_PACKAGE_VENDOR iot-emulator)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Local, offline emulator of AWS IoT Core's device onboarding (JITR, JITP, MQTT, rules, Lambda)")
set(CPACK_PACKAGE_CONTACT "iot-emulator maintainers")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME iot-emulator)
# What the binary links (ldd) and what handlers run on (python3 with boto3, node); the
# install test checks the shared libraries against ldd.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS
  "libc6, libstdc++6, libgcc-s1, libssl3, libsqlite3-0, zlib1g, libre2-9, python3, python3-boto3, nodejs")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME iot-emulator-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
  "cmake, g++, libboost1.81-dev, libssl-dev, nlohmann-json3-dev, libsqlite3-dev, zlib1g-dev, libre2-dev, pkgconf")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
include(CPack)
