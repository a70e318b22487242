#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ccc::config {

// Thrown for every start-up configuration problem. The message names the file (source),
// the key and the offending value, so it can be shown to an installer as is.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Typed, validating access to a TOML configuration file. Keys are dotted paths
// ("mqtt.port"). Every getter either returns a value within the stated bounds, returns the
// fallback when the key is absent, or throws ConfigError. Getters record which keys were
// asked for so that RejectUnknownKeys() can catch typos. Not thread-safe: read the
// configuration once at start-up.
class ConfigReader {
 public:
  // Missing/unreadable file or TOML syntax error -> ConfigError naming the file (and
  // line:column for syntax errors).
  static ConfigReader FromFile(const std::string& path);
  // source_name stands in for the file name in error messages.
  static ConfigReader FromString(std::string_view toml, std::string source_name);

  ConfigReader(ConfigReader&&) noexcept;
  ConfigReader& operator=(ConfigReader&&) noexcept;
  ~ConfigReader();

  // Missing key without fallback -> ConfigError "<file>: missing required key 'mqtt.port'".
  // Wrong type or out of range -> ConfigError
  // "<file>: key 'mqtt.port' has value 70000, expected an integer from 1 to 65535".
  std::string String(std::string_view key, std::optional<std::string> fallback = std::nullopt);
  // A string that must be one of `allowed` (the fallback is not checked against it).
  std::string OneOf(std::string_view key, std::initializer_list<std::string_view> allowed,
                    std::optional<std::string> fallback = std::nullopt);
  // Bounds are inclusive.
  int64_t Int(std::string_view key, int64_t min, int64_t max,
              std::optional<int64_t> fallback = std::nullopt);
  // Accepts TOML floats and integers. Bounds are inclusive.
  double Double(std::string_view key, double min, double max,
                std::optional<double> fallback = std::nullopt);
  bool Bool(std::string_view key, std::optional<bool> fallback = std::nullopt);
  // Relative paths resolve against the config file's folder (FromString: against the
  // current directory). The fallback is resolved the same way. Empty strings are rejected.
  std::string Path(std::string_view key, std::optional<std::string> fallback = std::nullopt);
  // "250ms", "2s", "5m", "1h", "7d"; a bare integer is rejected (units required). Bounds
  // are inclusive.
  std::chrono::milliseconds Duration(
      std::string_view key, std::chrono::milliseconds min, std::chrono::milliseconds max,
      std::optional<std::chrono::milliseconds> fallback = std::nullopt);
  // "64MiB", "512KiB", "1GiB", "100MB", "10kB", "4096" (bytes; a TOML integer or a string).
  // Units: B, kB/KB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024). Bounds are
  // inclusive.
  uint64_t Bytes(std::string_view key, uint64_t min, uint64_t max,
                 std::optional<uint64_t> fallback = std::nullopt);

  // True when the key exists (a value or a table). Does not count as reading it.
  bool Has(std::string_view key) const;

  // Every key present in the file that no getter asked for -> ConfigError listing them
  // ("<file>: unknown key 'mqtt.prot'"). Call after reading everything.
  void RejectUnknownKeys() const;

  const std::string& source() const;

 private:
  struct Impl;
  explicit ConfigReader(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace ccc::config
