#include "common/config/config_reader.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace ccc::config {

struct ConfigReader::Impl {
  toml::table root;
  std::string source;
  std::filesystem::path base_dir;
  // Keys a getter asked for, present or not; RejectUnknownKeys reports the rest.
  std::set<std::string, std::less<>> read_keys;

  // Marks `key` as read; its node, or nullptr when the file does not set it and the caller
  // has a fallback. Throws ConfigError naming the key when it is missing without one.
  const toml::node* Lookup(std::string_view key, bool has_fallback);
};

namespace {

using std::chrono::milliseconds;

struct Unit {
  std::string_view suffix;
  uint64_t factor;
};

constexpr std::array<Unit, 5> kDurationUnits = {{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

constexpr uint64_t kKiB = 1024;
constexpr std::array<Unit, 10> kByteUnits = {{
    {"B", 1},
    {"kB", 1000},
    {"KB", 1000},
    {"MB", 1000 * 1000},
    {"GB", 1000 * 1000 * 1000},
    {"TB", uint64_t{1000} * 1000 * 1000 * 1000},
    {"KiB", kKiB},
    {"MiB", kKiB* kKiB},
    {"GiB", kKiB* kKiB* kKiB},
    {"TiB", kKiB* kKiB* kKiB* kKiB},
}};

const toml::node* Find(const toml::table& root, std::string_view key) {
  const toml::table* table = &root;
  const toml::node* node = nullptr;
  size_t start = 0;
  for (;;) {
    const size_t dot = key.find('.', start);
    const std::string_view part =
        key.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (table == nullptr || part.empty()) return nullptr;
    node = table->get(part);
    if (node == nullptr || dot == std::string_view::npos) return node;
    table = node->as_table();
    start = dot + 1;
  }
}

// Double-quoted with TOML basic-string escapes, so that an installer can copy it back.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// How an offending value is shown in an error message: as it would be written in TOML,
// cut short so a huge value does not bury the message.
std::string Describe(const toml::node& node) {
  if (node.is_table()) return "a table";
  std::string text;
  if (const auto* string = node.as_string()) {
    text = Quote(string->get());
  } else {
    std::ostringstream out;
    node.visit([&out](const auto& value) { out << value; });
    text = out.str();
  }
  constexpr size_t kMaxShown = 80;
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

// "<digits><unit>" with an optional space before the unit; the unit must be one of `units`
// (or absent when `unit_optional`). Nullopt on any syntax error or uint64 overflow.
template <size_t N>
std::optional<uint64_t> ParseWithUnit(std::string_view text, const std::array<Unit, N>& units,
                                      bool unit_optional) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
  std::string_view suffix = text.substr(digits);
  if (suffix.starts_with(' ')) suffix.remove_prefix(1);
  if (suffix.empty()) {
    if (!unit_optional || digits != text.size()) return std::nullopt;
    return number;
  }
  for (const Unit& unit : units) {
    if (unit.suffix == suffix) {
      if (number > std::numeric_limits<uint64_t>::max() / unit.factor) return std::nullopt;
      return number * unit.factor;
    }
  }
  return std::nullopt;
}

// Shows a quantity in the largest unit that divides it exactly ("90s", "64MiB").
template <size_t N>
std::string FormatWithUnit(uint64_t value, const std::array<Unit, N>& units) {
  const Unit* best = &units[0];
  for (const Unit& unit : units) {
    if (value % unit.factor == 0 && unit.factor > best->factor) best = &unit;
  }
  return fmt::format("{}{}", value / best->factor, best->suffix);
}

std::string FormatDuration(milliseconds value) {
  if (value.count() < 0) return fmt::format("{}ms", value.count());
  return FormatWithUnit(static_cast<uint64_t>(value.count()), kDurationUnits);
}

// Only the binary units and plain bytes, so bounds read the way limits are usually set.
std::string FormatBytes(uint64_t value) {
  static constexpr std::array<Unit, 4> kShown = {{
      {"B", 1},
      {"KiB", kKiB},
      {"MiB", kKiB * kKiB},
      {"GiB", kKiB * kKiB * kKiB},
  }};
  return FormatWithUnit(value, kShown);
}

}  // namespace

ConfigReader::ConfigReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigReader::ConfigReader(ConfigReader&&) noexcept = default;
ConfigReader& ConfigReader::operator=(ConfigReader&&) noexcept = default;
ConfigReader::~ConfigReader() = default;

ConfigReader ConfigReader::FromFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(path + ": cannot read configuration file: it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    throw ConfigError(path + ": cannot read configuration file: " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    throw ConfigError(path + ": cannot read configuration file: " + std::strerror(errno));
  }
  ConfigReader reader = FromString(content.str(), path);
  reader.impl_->base_dir = std::filesystem::absolute(path, ec).parent_path();
  return reader;
}

ConfigReader ConfigReader::FromString(std::string_view toml, std::string source_name) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->root = toml::parse(toml, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(fmt::format("{}:{}:{}: TOML syntax error: {}", source_name,
                                  error.source().begin.line, error.source().begin.column,
                                  error.description()));
  }
  impl->source = std::move(source_name);
  std::error_code ec;
  impl->base_dir = std::filesystem::current_path(ec);
  return ConfigReader(std::move(impl));
}

const std::string& ConfigReader::source() const { return impl_->source; }

bool ConfigReader::Has(std::string_view key) const { return Find(impl_->root, key) != nullptr; }

namespace {

[[noreturn]] void ThrowMissing(const std::string& source, std::string_view key) {
  throw ConfigError(fmt::format("{}: missing required key '{}'", source, key));
}

[[noreturn]] void ThrowBadValue(const std::string& source, std::string_view key,
                                const toml::node& node, std::string_view expected) {
  throw ConfigError(
      fmt::format("{}: key '{}' has value {}, expected {}", source, key, Describe(node), expected));
}

}  // namespace

const toml::node* ConfigReader::Impl::Lookup(std::string_view key, bool has_fallback) {
  read_keys.emplace(key);
  const toml::node* node = Find(root, key);
  if (node == nullptr && !has_fallback) ThrowMissing(source, key);
  return node;
}

std::string ConfigReader::String(std::string_view key, std::optional<std::string> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *std::move(fallback);
  const auto* value = node->as_string();
  if (value == nullptr) ThrowBadValue(impl_->source, key, *node, "a string");
  return value->get();
}

std::string ConfigReader::OneOf(std::string_view key,
                                std::initializer_list<std::string_view> allowed,
                                std::optional<std::string> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *std::move(fallback);
  const auto* value = node->as_string();
  if (value != nullptr) {
    for (const std::string_view candidate : allowed) {
      if (candidate == value->get()) return value->get();
    }
  }
  std::string expected = "one of ";
  bool first = true;
  for (const std::string_view candidate : allowed) {
    if (!first) expected += ", ";
    expected += Quote(candidate);
    first = false;
  }
  ThrowBadValue(impl_->source, key, *node, expected);
}

int64_t ConfigReader::Int(std::string_view key, int64_t min, int64_t max,
                          std::optional<int64_t> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *fallback;
  const auto* value = node->as_integer();
  if (value == nullptr || value->get() < min || value->get() > max) {
    ThrowBadValue(impl_->source, key, *node, fmt::format("an integer from {} to {}", min, max));
  }
  return value->get();
}

double ConfigReader::Double(std::string_view key, double min, double max,
                            std::optional<double> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *fallback;
  std::optional<double> number;
  if (const auto* f = node->as_floating_point()) number = f->get();
  if (const auto* i = node->as_integer()) number = static_cast<double>(i->get());
  // Written so that NaN fails the range check.
  if (!number.has_value() || !(*number >= min && *number <= max)) {
    ThrowBadValue(impl_->source, key, *node, fmt::format("a number from {} to {}", min, max));
  }
  return *number;
}

bool ConfigReader::Bool(std::string_view key, std::optional<bool> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *fallback;
  const auto* value = node->as_boolean();
  if (value == nullptr) ThrowBadValue(impl_->source, key, *node, "true or false");
  return value->get();
}

std::string ConfigReader::Path(std::string_view key, std::optional<std::string> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  std::string text;
  if (node == nullptr) {
    text = *std::move(fallback);
  } else {
    const auto* value = node->as_string();
    if (value == nullptr || value->get().empty()) {
      ThrowBadValue(impl_->source, key, *node, "a non-empty path");
    }
    text = value->get();
  }
  const std::filesystem::path path(text);
  if (path.is_absolute() || text.empty()) return text;
  return (impl_->base_dir / path).lexically_normal().string();
}

milliseconds ConfigReader::Duration(std::string_view key, milliseconds min, milliseconds max,
                                    std::optional<milliseconds> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *fallback;
  std::optional<uint64_t> parsed;
  if (const auto* value = node->as_string()) {
    parsed = ParseWithUnit(value->get(), kDurationUnits, false);
  }
  constexpr auto kMaxMs = static_cast<uint64_t>(std::numeric_limits<milliseconds::rep>::max());
  if (!parsed.has_value() || *parsed > kMaxMs || milliseconds(*parsed) < min ||
      milliseconds(*parsed) > max) {
    ThrowBadValue(impl_->source, key, *node,
                  fmt::format("a duration such as \"250ms\", \"2s\", \"5m\", \"1h\" or \"7d\" "
                              "from {} to {}",
                              FormatDuration(min), FormatDuration(max)));
  }
  return milliseconds(static_cast<milliseconds::rep>(*parsed));
}

uint64_t ConfigReader::Bytes(std::string_view key, uint64_t min, uint64_t max,
                             std::optional<uint64_t> fallback) {
  const toml::node* node = impl_->Lookup(key, fallback.has_value());
  if (node == nullptr) return *fallback;
  std::optional<uint64_t> parsed;
  if (const auto* value = node->as_string()) {
    parsed = ParseWithUnit(value->get(), kByteUnits, true);
  } else if (const auto* number = node->as_integer(); number != nullptr && number->get() >= 0) {
    parsed = static_cast<uint64_t>(number->get());
  }
  if (!parsed.has_value() || *parsed < min || *parsed > max) {
    ThrowBadValue(impl_->source, key, *node,
                  fmt::format("a size such as \"512KiB\", \"64MiB\", \"100MB\" or 4096 (bytes) "
                              "from {} to {}",
                              FormatBytes(min), FormatBytes(max)));
  }
  return *parsed;
}

void ConfigReader::RejectUnknownKeys() const {
  std::vector<std::string> unknown;
  const auto walk = [&](const auto& self, const toml::table& table,
                        const std::string& prefix) -> void {
    for (const auto& [name, node] : table) {
      const std::string path = prefix + std::string(name.str());
      const toml::table* child = node.as_table();
      if (child != nullptr && !child->empty()) {
        self(self, *child, path + ".");
      } else if (child != nullptr) {
        // An empty section is fine when the program reads keys of it ("[site]" with every
        // value left at its default).
        auto next = impl_->read_keys.lower_bound(path + ".");
        if (next == impl_->read_keys.end() || !next->starts_with(path + ".")) {
          unknown.push_back(path);
        }
      } else if (!impl_->read_keys.contains(path)) {
        unknown.push_back(path);
      }
    }
  };
  walk(walk, impl_->root, "");
  if (unknown.empty()) return;
  std::string message = impl_->source + ": ";
  for (size_t i = 0; i < unknown.size(); ++i) {
    if (i > 0) message += "; ";
    message += "unknown key '" + unknown[i] + "'";
  }
  throw ConfigError(message);
}

}  // namespace ccc::config
