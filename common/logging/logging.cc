#include "common/logging/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace ccc::logging {
namespace {

constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 5> kLevels = {{
    {"trace", spdlog::level::trace},
    {"debug", spdlog::level::debug},
    {"info", spdlog::level::info},
    {"warn", spdlog::level::warn},
    {"error", spdlog::level::err},
}};

std::optional<spdlog::level::level_enum> FindLevel(std::string_view level) {
  for (const auto& [name, value] : kLevels) {
    if (name == level) return value;
  }
  return std::nullopt;
}

}  // namespace

bool IsValidLevel(std::string_view level) { return FindLevel(level).has_value(); }

void Init(std::string_view program, std::string_view level) {
  const std::optional<spdlog::level::level_enum> parsed = FindLevel(level);
  if (!parsed.has_value()) {
    throw std::invalid_argument("unknown log level '" + std::string(level) +
                                "', expected one of trace, debug, info, warn, error");
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(std::string(program), std::move(sink));
  // The program name goes in as the logger name (%n) so that characters such as '%' in it
  // cannot be read as pattern flags.
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v");
  logger->set_level(*parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace ccc::logging
