# Cross-compiling the agent for 64-bit ARM boards (Debian multiarch, arm64 libraries from
# Debian's packages; cross/build-agent.sh installs them). Use with
#   cmake -DCMAKE_TOOLCHAIN_FILE=cross/toolchain-aarch64.cmake -DCCC_BUILD_RELAY=OFF ...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CCC_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${CCC_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${CCC_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${CCC_CROSS_TRIPLE})

# Libraries and CMake package files of the target architecture only; programs (protoc-like
# tools, pkg-config) from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${CCC_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_PREFIX_PATH /usr/lib/${CCC_CROSS_TRIPLE}/cmake)

# Debian has no aarch64-linux-gnu-pkg-config: point the host's at the arm64 .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${CCC_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)

# ctest runs the unit tests of the cross build under user-mode emulation.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static;-L;/usr/${CCC_CROSS_TRIPLE})
