#pragma once

#include <string_view>

namespace ccc::logging {

// True for the level names Init accepts: trace, debug, info, warn, error.
bool IsValidLevel(std::string_view level);

// Replaces spdlog's default logger with one writing to stderr, pattern
// "[%Y-%m-%d %H:%M:%S.%e] [program] [%l] %v", at the given level. Call once at start-up,
// before other threads log. An unknown level throws std::invalid_argument naming it.
void Init(std::string_view program, std::string_view level);

}  // namespace ccc::logging
