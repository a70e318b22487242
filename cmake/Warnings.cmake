# Warnings are errors in our own code only; third-party headers are system headers.
# -Wrestrict and -Wnull-dereference are off: GCC 12 raises false positives inside
# libstdc++ string concatenation and Asio (see shared/PLATFORM-NOTES.md).
function(ccc_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wno-sign-conversion
    -Wno-restrict -Werror)
endfunction()
